//! The emit as the composer checks it: [`parse_args`] reads the arguments as
//! [`crate::format::emit_args`] does (one JSON value per line or one JSON array; `hex:` and
//! `base64:` lines are binary) into the engine's [`SocketIoArg`]s.
//!
//! [`check_emit`] is the composer's live verdict: invalid JSON, hex or base64 and a missing or
//! reserved event name are errors (a Socket.IO packet cannot carry them, so Send is
//! disabled); an undefined variable or a stray `<<` is a warning (Send then says why). Its size
//! is the EVENT packet's text as sent (ack id not counted) plus the attachments.

use crate::engine::SocketIoArg;
use crate::format::emit_args::{ArgsError, EmitArg, parse_emit_args};
use crate::format::error_chain;
use crate::template::Resolver;
use crate::ui::message_check::{Check, MAX_RESOLVED_WHILE_TYPING, Size, Validation};

/// The arguments of `text` (variables resolved) as the engine sends them.
pub fn parse_args(text: &str) -> Result<Vec<SocketIoArg>, ArgsError> {
    Ok(parse_emit_args(text)?
        .into_iter()
        .map(|arg| match arg {
            EmitArg::Json(json) => SocketIoArg::Json(json),
            EmitArg::Binary(bytes) => SocketIoArg::Binary(bytes),
        })
        .collect())
}

/// Names Socket.IO keeps for itself: a client may not emit them.
pub const RESERVED_EVENTS: [&str; 6] = [
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "newListener",
    "removeListener",
];

/// The EVENT (or BINARY_EVENT) packet's text for `event` with `args` in `namespace`, without
/// an ack id, and the attachments' total size: what the size under Send counts.
pub fn packet_size(namespace: &str, event: &str, args: &[SocketIoArg]) -> (usize, usize, usize) {
    let mut attachments = 0;
    let mut attachment_bytes = 0;
    // "42" or "45N-", the namespace and a comma unless it is "/", then the JSON array.
    let mut len = 2 + serde_json::Value::from(event).to_string().len() + 2;
    for arg in args {
        len += 1;
        match arg {
            SocketIoArg::Json(json) => len += json.len(),
            SocketIoArg::Binary(bytes) => {
                len += format!("{{\"_placeholder\":true,\"num\":{attachments}}}").len();
                attachments += 1;
                attachment_bytes += bytes.len();
            }
        }
    }
    if attachments > 0 {
        len += attachments.to_string().len() + 1;
    }
    let namespace = crate::template::normalize_namespace(namespace);
    if namespace != "/" {
        len += namespace.len() + 1;
    }
    (len, attachments, attachment_bytes)
}

/// Why `event` cannot be emitted, if it cannot.
pub fn event_name_problem(event: &str) -> Option<String> {
    if event.trim().is_empty() {
        return Some("Name the event to emit".to_owned());
    }
    RESERVED_EVENTS
        .contains(&event)
        .then(|| format!("\"{event}\" is a reserved event name: Socket.IO uses it itself"))
}

/// The composer's live check of an emit: event name, then arguments (see the module doc).
pub fn check_emit(
    namespace: &str,
    event: &str,
    body: &str,
    resolver: impl FnOnce() -> Resolver,
) -> Check {
    let resolved = if !is_templated(body) {
        std::borrow::Cow::Borrowed(body)
    } else if body.len() > MAX_RESOLVED_WHILE_TYPING {
        return Check {
            verdict: Validation::Ok,
            size: Size::Unknown("size known at Send (variables in large arguments)".to_owned()),
        };
    } else {
        match resolver().render("arguments", body) {
            Ok(text) => std::borrow::Cow::Owned(text),
            Err(e) => {
                return Check {
                    verdict: Validation::Warning(error_chain(&e)),
                    size: Size::Unknown("the variables cannot be resolved".to_owned()),
                };
            }
        }
    };
    let args = match parse_args(&resolved) {
        Ok(args) => args,
        Err(e) => {
            return Check {
                verdict: Validation::Error(format!("Cannot send: {e}")),
                size: Size::Unknown("the arguments cannot be read".to_owned()),
            };
        }
    };
    let verdict = match event_name_problem(event) {
        Some(why) => Validation::Error(why),
        None => Validation::Ok,
    };
    let (len, _, attachment_bytes) = packet_size(namespace, event, &args);
    Check {
        verdict,
        size: Size::Bytes(len + attachment_bytes),
    }
}

fn is_templated(body: &str) -> bool {
    body.contains("<<") || body.contains("<%") || body.contains("<#")
}

/// "2 arguments", "1 argument", "no arguments", with "(1 binary)" when some are.
pub fn args_summary(args: &[SocketIoArg]) -> String {
    let binary = args
        .iter()
        .filter(|a| matches!(a, SocketIoArg::Binary(_)))
        .count();
    let mut s = match args.len() {
        0 => "no arguments".to_owned(),
        1 => "1 argument".to_owned(),
        n => format!("{n} arguments"),
    };
    if binary > 0 {
        s.push_str(&format!(" ({binary} binary)"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Variable;

    #[test]
    fn the_check_is_red_for_what_cannot_be_sent_and_amber_for_variables() {
        let vars = || Resolver::new(&[Variable::new("who", "ann")]);
        let ok = check_emit("/", "chat", "\"hi <<who>>\"", vars);
        assert_eq!(ok.verdict, Validation::Ok);
        // 42["chat","hi ann"]
        assert_eq!(ok.size, Size::Bytes("42[\"chat\",\"hi ann\"]".len()));
        let ns = check_emit("/admin", "chat", "", vars);
        assert_eq!(ns.size, Size::Bytes("42/admin,[\"chat\"]".len()));
        let bin = check_emit("/", "up", "hex: 01 02", vars);
        let text = "451-[\"up\",{\"_placeholder\":true,\"num\":0}]";
        assert_eq!(bin.size, Size::Bytes(text.len() + 2));
        assert!(matches!(
            check_emit("/", "chat", "{", vars).verdict,
            Validation::Error(_)
        ));
        assert!(matches!(
            check_emit("/", "", "1", vars).verdict,
            Validation::Error(_)
        ));
        assert!(matches!(
            check_emit("/", "disconnect", "1", vars).verdict,
            Validation::Error(_)
        ));
        assert!(matches!(
            check_emit("/", "chat", "\"<<nobody>>\"", vars).verdict,
            Validation::Warning(_)
        ));
        assert_eq!(
            args_summary(&parse_args("1\nhex: 00").unwrap()),
            "2 arguments (1 binary)"
        );
    }
}
