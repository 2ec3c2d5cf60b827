//! The arguments of an emit as the composer takes them, and what Send would send.
//!
//! The contract ([`parse_args`]), after variables are resolved:
//! - Empty text: no arguments.
//! - Text that is one JSON array as a whole: its elements are the arguments (the form
//!   `wsprobe run --emit EVENT ARGS_JSON` takes). To send one array argument, wrap it:
//!   `[[1, 2]]`.
//! - Otherwise one argument per JSON value, in order: one per line, or spread over lines (a
//!   pretty-printed object is one argument).
//! - A line `hex: de ad be ef` or `base64: 3q2+7w==` is one binary argument (sent as an
//!   attachment of a BINARY_EVENT). No JSON value starts with `h` or `b`, so this never
//!   shadows one.
//!
//! [`check_emit`] is the composer's live verdict: invalid JSON, hex or base64 and a missing or
//! reserved event name are errors (a Socket.IO packet cannot carry them, so Send is
//! disabled); an undefined variable or a stray `<<` is a warning (Send then says why). Its size
//! is the EVENT packet's text as sent (ack id not counted) plus the attachments.

use crate::engine::SocketIoArg;
use crate::format::{decode_base64, error_chain, parse_hex};
use crate::template::Resolver;
use crate::ui::message_check::{Check, MAX_RESOLVED_WHILE_TYPING, Size, Validation};
use bytes::Bytes;

/// Names Socket.IO keeps for itself: a client may not emit them.
pub const RESERVED_EVENTS: [&str; 6] = [
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "newListener",
    "removeListener",
];

/// Why the arguments cannot be sent (with the line, counted from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgsError(pub String);

impl std::fmt::Display for ArgsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgsError {}

/// Reads the arguments of an emit (variables already resolved); see the module doc.
pub fn parse_args(text: &str) -> Result<Vec<SocketIoArg>, ArgsError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(text) {
        return Ok(items
            .iter()
            .map(|v| SocketIoArg::Json(v.to_string()))
            .collect());
    }
    let mut args = Vec::new();
    // JSON lines are gathered until a binary line (or the end), then read as a stream of
    // values; `start` is the 0-based line the gathered text begins at.
    let mut chunk = String::new();
    let mut start = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        let binary = binary_line(trimmed);
        if binary.is_none() {
            if chunk.is_empty() {
                start = i;
            } else {
                chunk.push('\n');
            }
            chunk.push_str(line);
            continue;
        }
        json_values(&chunk, start, &mut args)?;
        chunk.clear();
        match binary {
            Some(Ok(bytes)) => args.push(SocketIoArg::Binary(Bytes::from(bytes))),
            Some(Err(why)) => return Err(ArgsError(format!("line {}: {why}", i + 1))),
            None => {}
        }
    }
    json_values(&chunk, start, &mut args)?;
    Ok(args)
}

/// A `hex:` or `base64:` line: its bytes, or why they cannot be read; `None` for JSON.
fn binary_line(line: &str) -> Option<Result<Vec<u8>, String>> {
    if let Some(rest) = strip_prefix_ignore_case(line, "hex:") {
        return Some(parse_hex(rest).map_err(|e| format!("invalid hex: {}", error_chain(&e))));
    }
    let rest = strip_prefix_ignore_case(line, "base64:")?;
    Some(decode_base64(rest.trim()).map_err(|e| format!("invalid base64: {}", error_chain(&e))))
}

fn strip_prefix_ignore_case<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &line[prefix.len()..])
}

/// The JSON values of `chunk` (which begins at 0-based line `start`) as arguments.
fn json_values(chunk: &str, start: usize, args: &mut Vec<SocketIoArg>) -> Result<(), ArgsError> {
    let stream = serde_json::Deserializer::from_str(chunk).into_iter::<serde_json::Value>();
    for value in stream {
        match value {
            Ok(v) => args.push(SocketIoArg::Json(v.to_string())),
            Err(e) => {
                let message = e.to_string();
                let why = message.split(" at line ").next().unwrap_or(&message);
                return Err(ArgsError(format!(
                    "Invalid JSON at line {}, column {}: {why}",
                    start + e.line(),
                    e.column()
                )));
            }
        }
    }
    Ok(())
}

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

    fn json(s: &str) -> SocketIoArg {
        SocketIoArg::Json(s.to_owned())
    }

    #[test]
    fn one_argument_per_value_or_a_whole_array() {
        assert_eq!(parse_args("  \n").unwrap(), []);
        assert_eq!(
            parse_args("\"hi\"\n{\"from\": \"ann\"}\n42").unwrap(),
            [json("\"hi\""), json("{\"from\":\"ann\"}"), json("42")]
        );
        assert_eq!(
            parse_args("[\"hi\", {\"from\": \"ann\"}]").unwrap(),
            [json("\"hi\""), json("{\"from\":\"ann\"}")]
        );
        assert_eq!(parse_args("[[1, 2]]").unwrap(), [json("[1,2]")]);
        // A pretty object over several lines is one argument.
        assert_eq!(
            parse_args("{\n  \"a\": 1\n}\ntrue").unwrap(),
            [json("{\"a\":1}"), json("true")]
        );
        // Two arrays on their lines are two arguments.
        assert_eq!(parse_args("[1]\n[2]").unwrap(), [json("[1]"), json("[2]")]);
    }

    #[test]
    fn hex_and_base64_lines_are_binary_arguments() {
        assert_eq!(
            parse_args("\"file\"\nhex: de ad be ef\nBase64: aGk=\n{\"n\": 1}").unwrap(),
            [
                json("\"file\""),
                SocketIoArg::Binary(Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef])),
                SocketIoArg::Binary(Bytes::from_static(b"hi")),
                json("{\"n\":1}"),
            ]
        );
        let e = parse_args("1\nhex: zz").unwrap_err();
        assert!(e.0.starts_with("line 2: invalid hex"), "{e}");
        let e = parse_args("base64: ab!d").unwrap_err();
        assert!(e.0.starts_with("line 1: invalid base64"), "{e}");
    }

    #[test]
    fn bad_json_says_where_counting_lines_of_the_whole_text() {
        let e = parse_args("1\nhex: 00\n\"ok\"\n{oops}").unwrap_err();
        assert!(e.0.starts_with("Invalid JSON at line 4, column 2"), "{e}");
        // Unfinished on its last line: the end of that line, not the line after.
        let e = parse_args("\"hi\"\n{\"from\": ").unwrap_err();
        assert!(e.0.starts_with("Invalid JSON at line 2, column 9"), "{e}");
    }

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
