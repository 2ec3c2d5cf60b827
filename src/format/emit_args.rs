//! The arguments of a Socket.IO emit as people write them (the window's composer, a saved
//! request's draft): text to a list of arguments, JSON values or binary parts.
//!
//! The contract ([`parse_emit_args`]), on text whose variables are already resolved:
//! - Empty text: no arguments.
//! - Text that is one JSON array as a whole: its elements are the arguments (the form
//!   `wsprobe run --emit EVENT ARGS_JSON` takes). To send one array argument, wrap it:
//!   `[[1, 2]]`.
//! - Otherwise one argument per JSON value, in order: one per line, or spread over lines (a
//!   pretty-printed object is one argument).
//! - A line `hex: de ad be ef` or `base64: 3q2+7w==` is one binary argument (an attachment of
//!   a BINARY_EVENT). No JSON value starts with `h` or `b`, so this never shadows one.
//! - JSON arguments are kept as written (no re-encoding: numbers keep their digits).

use bytes::Bytes;
use serde_json::value::RawValue;

use super::{decode_base64, parse_hex};

/// One argument of an emit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmitArg {
    /// One JSON value's text.
    Json(String),
    Binary(Bytes),
}

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
pub fn parse_emit_args(text: &str) -> Result<Vec<EmitArg>, ArgsError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(text) {
        return Ok(items
            .into_iter()
            .map(|v| EmitArg::Json(v.get().to_owned()))
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
            Some(Ok(bytes)) => args.push(EmitArg::Binary(Bytes::from(bytes))),
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
        return Some(
            parse_hex(rest).map_err(|e| format!("invalid hex: {}", crate::format::error_chain(&e))),
        );
    }
    let rest = strip_prefix_ignore_case(line, "base64:")?;
    Some(
        decode_base64(rest.trim())
            .map_err(|e| format!("invalid base64: {}", crate::format::error_chain(&e))),
    )
}

fn strip_prefix_ignore_case<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &line[prefix.len()..])
}

/// The JSON values of `chunk` (which begins at 0-based line `start`) as arguments.
fn json_values(chunk: &str, start: usize, args: &mut Vec<EmitArg>) -> Result<(), ArgsError> {
    let stream = serde_json::Deserializer::from_str(chunk).into_iter::<&RawValue>();
    for value in stream {
        match value {
            Ok(v) => args.push(EmitArg::Json(v.get().trim().to_owned())),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> EmitArg {
        EmitArg::Json(s.to_owned())
    }

    #[test]
    fn one_argument_per_value_or_a_whole_array() {
        assert_eq!(parse_emit_args("  \n").unwrap(), []);
        assert_eq!(
            parse_emit_args("\"hi\"\n{\"from\": \"ann\"}\n42").unwrap(),
            [json("\"hi\""), json("{\"from\": \"ann\"}"), json("42")]
        );
        assert_eq!(
            parse_emit_args("[\"hi\", {\"from\": \"ann\"}]").unwrap(),
            [json("\"hi\""), json("{\"from\": \"ann\"}")]
        );
        assert_eq!(parse_emit_args("[[1, 2]]").unwrap(), [json("[1, 2]")]);
        // A pretty object over several lines is one argument; big numbers keep their digits.
        assert_eq!(
            parse_emit_args("{\n  \"a\": 1\n}\n123456789012345678901234567890").unwrap(),
            [
                json("{\n  \"a\": 1\n}"),
                json("123456789012345678901234567890")
            ]
        );
        // Two arrays on their lines are two arguments.
        assert_eq!(
            parse_emit_args("[1]\n[2]").unwrap(),
            [json("[1]"), json("[2]")]
        );
    }

    #[test]
    fn hex_and_base64_lines_are_binary_arguments() {
        assert_eq!(
            parse_emit_args("\"file\"\nhex: de ad be ef\nBase64: aGk=\n{\"n\": 1}").unwrap(),
            [
                json("\"file\""),
                EmitArg::Binary(Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef])),
                EmitArg::Binary(Bytes::from_static(b"hi")),
                json("{\"n\": 1}"),
            ]
        );
        let e = parse_emit_args("1\nhex: zz").unwrap_err();
        assert!(e.0.starts_with("line 2: invalid hex"), "{e}");
        let e = parse_emit_args("base64: ab!d").unwrap_err();
        assert!(e.0.starts_with("line 1: invalid base64"), "{e}");
    }

    #[test]
    fn bad_json_says_where_counting_lines_of_the_whole_text() {
        let e = parse_emit_args("1\nhex: 00\n\"ok\"\n{oops}").unwrap_err();
        assert!(e.0.starts_with("Invalid JSON at line 4, column 2"), "{e}");
        // Unfinished on its last line: the end of that line, not the line after.
        let e = parse_emit_args("\"hi\"\n{\"from\": ").unwrap_err();
        assert!(e.0.starts_with("Invalid JSON at line 2, column 9"), "{e}");
    }
}
