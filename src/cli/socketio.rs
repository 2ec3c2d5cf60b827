//! `wsprobe run`'s Socket.IO side: the options that make and shape a Socket.IO request
//! (`--socketio`, `--namespace`, `--auth-json`, `--eio`, `--path`, `--ack-timeout`), and the
//! `--emit EVENT ARGS_JSON` list, checked before anything connects (bad input is exit 2).
//!
//! - A saved Socket.IO request is run as one without `--socketio`; the Socket.IO options on
//!   a WebSocket request (without `--socketio`) are bad input.
//! - ARGS_JSON is a JSON array, one element per argument, `<<variables>>` expanded first.
//! - `--ack-timeout MS` makes every `--emit` ask for an acknowledgement; the request's ack
//!   timeout becomes MS.
//! - Without `--emit`, a saved request's draft event (its event name and arguments) is emitted.

use anyhow::{anyhow, bail};

use crate::engine::{SocketIoArg, SocketIoOutgoing};
use crate::model::{EngineIoVersion, RequestKind, SavedRequest};
use crate::template::Resolver;

use super::args::SocketIoArgs;

/// Makes `request` Socket.IO when asked and applies the Socket.IO options.
pub fn apply(request: &mut SavedRequest, args: &SocketIoArgs) -> anyhow::Result<()> {
    if args.socketio {
        request.kind = RequestKind::SocketIo;
    }
    if !request.kind.is_socketio() {
        let given = [
            ("--namespace", args.namespace.is_some()),
            ("--auth-json", args.auth_json.is_some()),
            ("--emit", !args.emit.is_empty()),
            ("--ack-timeout", args.ack_timeout.is_some()),
            ("--eio", args.eio.is_some()),
            ("--path", args.path.is_some()),
            ("--raw-frames", args.raw_frames),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, set)| *set) {
            bail!("{flag} is for Socket.IO requests: add --socketio");
        }
        return Ok(());
    }
    let settings = &mut request.socketio;
    if let Some(namespace) = &args.namespace {
        settings.namespace = namespace.clone();
    }
    if let Some(auth) = &args.auth_json {
        settings.auth = auth.clone();
    }
    if let Some(eio) = args.eio {
        settings.version = if eio == 3 {
            EngineIoVersion::V3
        } else {
            EngineIoVersion::V4
        };
    }
    if let Some(path) = &args.path {
        settings.path = path.clone();
    }
    if let Some(ms) = args.ack_timeout {
        if ms == 0 {
            bail!("--ack-timeout must be more than 0 ms");
        }
        settings.ack_timeout_ms = ms;
    }
    Ok(())
}

/// The emits of a run, in order: the `--emit`s, or else the saved draft's event.
pub fn emits(
    request: &SavedRequest,
    args: &SocketIoArgs,
    resolver: &Resolver,
) -> anyhow::Result<Vec<SocketIoOutgoing>> {
    if !request.kind.is_socketio() {
        return Ok(Vec::new());
    }
    let ack = args.ack_timeout.is_some();
    let mut emits = Vec::new();
    for pair in args.emit.chunks(2) {
        let [event, json] = pair else {
            bail!("--emit takes two values: EVENT ARGS_JSON");
        };
        let field = format!("--emit {event}");
        emits.push(emit(resolver, &field, event, json, ack)?);
    }
    let draft = &request.draft;
    if emits.is_empty() && !draft.event.trim().is_empty() {
        let body = if draft.body.trim().is_empty() {
            "[]"
        } else {
            &draft.body
        };
        let args = draft_args(&resolver.render("the draft's arguments", body)?)
            .map_err(|err| anyhow!("the saved draft of event `{}`: {err}", draft.event))?;
        emits.push(SocketIoOutgoing::Emit {
            event: resolver.render("the draft's event", &draft.event)?,
            args,
            ack: ack || draft.expect_ack,
        });
    }
    Ok(emits)
}

fn emit(
    resolver: &Resolver,
    field: &str,
    event: &str,
    json: &str,
    ack: bool,
) -> anyhow::Result<SocketIoOutgoing> {
    let event = resolver.render(field, event)?;
    if event.is_empty() {
        bail!("--emit: the event name is empty");
    }
    let text = resolver.render(field, json)?;
    let args = array_args(&text).map_err(|err| anyhow!("{field}: {err}"))?;
    Ok(SocketIoOutgoing::Emit { event, args, ack })
}

/// A JSON array's elements, each one argument.
pub fn array_args(text: &str) -> Result<Vec<SocketIoArg>, String> {
    match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(text) {
        Ok(items) => Ok(items
            .into_iter()
            .map(|item| SocketIoArg::Json(item.get().to_owned()))
            .collect()),
        Err(_) if serde_json::from_str::<serde_json::Value>(text).is_ok() => Err(format!(
            "ARGS_JSON must be a JSON array of the arguments, such as [{text}]"
        )),
        Err(err) => Err(format!("ARGS_JSON is not valid JSON: {err}")),
    }
}

/// A draft's arguments, in the composer's syntax (`format::emit_args`): a JSON array, or one
/// JSON value per line (a value may span lines), `hex:`/`base64:` lines for binary arguments.
fn draft_args(text: &str) -> Result<Vec<SocketIoArg>, String> {
    let args = crate::format::emit_args::parse_emit_args(text).map_err(|err| err.to_string())?;
    Ok(args
        .into_iter()
        .map(|arg| match arg {
            crate::format::emit_args::EmitArg::Json(json) => SocketIoArg::Json(json),
            crate::format::emit_args::EmitArg::Binary(bytes) => SocketIoArg::Binary(bytes),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_json_is_an_array() {
        assert_eq!(
            array_args(r#"["hi", {"from": "ann"}]"#).unwrap(),
            vec![
                SocketIoArg::Json("\"hi\"".into()),
                SocketIoArg::Json("{\"from\": \"ann\"}".into())
            ]
        );
        assert!(
            array_args("{}")
                .unwrap_err()
                .contains("must be a JSON array")
        );
        assert!(array_args("[1,").unwrap_err().contains("not valid JSON"));
        assert_eq!(draft_args("1\n\"a\"\n").unwrap().len(), 2);
        // The window's syntax: a value over several lines, a binary line.
        assert_eq!(
            draft_args("{\n  \"a\": 1\n}\nhex: 01 02").unwrap(),
            vec![
                SocketIoArg::Json("{\n  \"a\": 1\n}".into()),
                SocketIoArg::Binary(bytes::Bytes::from_static(&[1, 2]))
            ]
        );
    }
}
