//! The draft checked while typing, as Send would see it: variables resolved, then encoded in
//! the chosen format.
//!
//! The contract:
//! - [`check`] runs whenever the body, the format or the variables in effect change (the
//!   composer caches it on exactly those three), so switching Text → Hex re-checks at once.
//! - Its size is the byte count Send would put on the wire (hex `48 65` is 2 bytes, a
//!   `<<variable>>` counts as its value); when it cannot be known, [`Size::Unknown`] says why.
//! - Bad hex or base64 is an [`Validation::Error`] (Send is disabled); a stray `<<`, an
//!   undefined variable or JSON that does not parse is a [`Validation::Warning`] (the user
//!   may mean it, and Send then shows the full reason).

use std::borrow::Cow;

use crate::format::{decode_base64, error_chain, parse_hex};
use crate::model::MessageFormat;
use crate::template::Resolver;

/// Templated drafts larger than this are not resolved while typing (each keystroke would
/// render them again); their size is then unknown until Send.
pub const MAX_RESOLVED_WHILE_TYPING: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    Ok,
    /// Can still be sent (e.g. JSON that does not parse: it may be meant that way).
    Warning(String),
    /// Cannot be sent as written (bad hex or base64).
    Error(String),
}

/// How many bytes Send would send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Size {
    Bytes(usize),
    /// Why the size is not known.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub verdict: Validation,
    pub size: Size,
}

/// Whether `body` has template syntax for the resolver to expand.
fn is_templated(body: &str) -> bool {
    body.contains("<<") || body.contains("<%") || body.contains("<#")
}

/// Checks a draft. `resolver` is only built when the body has variables.
pub fn check(format: MessageFormat, body: &str, resolver: impl FnOnce() -> Resolver) -> Check {
    if body.is_empty() {
        return Check {
            verdict: Validation::Ok,
            size: Size::Bytes(0),
        };
    }
    let resolved: Cow<str> = if !is_templated(body) {
        Cow::Borrowed(body)
    } else if body.len() > MAX_RESOLVED_WHILE_TYPING {
        return Check {
            verdict: Validation::Ok,
            size: Size::Unknown("size known at Send (variables in a large message)".to_owned()),
        };
    } else {
        match resolver().render("message", body) {
            Ok(text) => Cow::Owned(text),
            Err(e) => {
                return Check {
                    verdict: Validation::Warning(error_chain(&e)),
                    size: Size::Unknown("the variables cannot be resolved".to_owned()),
                };
            }
        }
    };
    match format {
        MessageFormat::Hex => encoded(parse_hex(&resolved).map(|b| b.len())),
        MessageFormat::Base64 => encoded(decode_base64(&resolved).map(|b| b.len())),
        MessageFormat::Json if !resolved.trim().is_empty() => Check {
            verdict: json_verdict(&resolved),
            size: Size::Bytes(resolved.len()),
        },
        _ => Check {
            verdict: Validation::Ok,
            size: Size::Bytes(resolved.len()),
        },
    }
}

fn encoded<E: std::error::Error>(len: Result<usize, E>) -> Check {
    match len {
        Ok(n) => Check {
            verdict: Validation::Ok,
            size: Size::Bytes(n),
        },
        Err(e) => Check {
            verdict: Validation::Error(format!("Cannot send: {}", error_chain(&e))),
            size: Size::Unknown("the message cannot be encoded".to_owned()),
        },
    }
}

fn json_verdict(text: &str) -> Validation {
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => Validation::Ok,
        Err(e) => Validation::Warning(format!(
            "Invalid JSON at line {}, column {}: {}",
            e.line(),
            e.column(),
            strip_position(&e.to_string())
        )),
    }
}

fn strip_position(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}

/// "7 bytes", "1 byte", "12,345 bytes".
pub fn byte_count(n: usize) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{} bytes", thousands(n))
    }
}

/// `n` with a comma between each group of three digits.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Variable;

    fn run(format: MessageFormat, body: &str) -> Check {
        check(format, body, || {
            Resolver::new(&[Variable::new("name", "Ann"), Variable::new("b", "ff")])
        })
    }

    #[test]
    fn size_is_what_send_sends() {
        assert_eq!(
            run(MessageFormat::Hex, "48 65 6c 6c 6f 00 ff").size,
            Size::Bytes(7)
        );
        assert_eq!(run(MessageFormat::Text, "hi <<name>>").size, Size::Bytes(6));
        assert_eq!(run(MessageFormat::Hex, "00 <<b>>").size, Size::Bytes(2));
        assert_eq!(run(MessageFormat::Base64, "aGk=").size, Size::Bytes(2));
        assert!(matches!(
            run(MessageFormat::Text, "hi <<nobody>>").size,
            Size::Unknown(_)
        ));
    }

    #[test]
    fn json_warning_has_line_and_column() {
        let v = run(MessageFormat::Json, "{\n  \"a\": 1,\n  oops\n}").verdict;
        let Validation::Warning(w) = v else {
            panic!("{v:?}")
        };
        assert!(w.contains("line 3, column 3"), "{w}");
        // Checked after resolving: a variable inside a string is valid JSON.
        assert_eq!(
            run(MessageFormat::Json, r#"{"who": "<<name>>"}"#).verdict,
            Validation::Ok
        );
    }

    #[test]
    fn bad_hex_and_base64_are_errors_with_position() {
        let Validation::Error(e) = run(MessageFormat::Hex, "de ad zz").verdict else {
            panic!()
        };
        assert!(e.contains("character 7"), "{e}");
        assert!(matches!(
            run(MessageFormat::Base64, "ab!d").verdict,
            Validation::Error(_)
        ));
        assert_eq!(run(MessageFormat::Hex, "de ad").verdict, Validation::Ok);
        // Templated JSON switched to Hex is checked too (it used to be skipped).
        assert!(matches!(
            run(MessageFormat::Hex, r#"{"who": "<<name>>"}"#).verdict,
            Validation::Error(_)
        ));
    }

    #[test]
    fn a_stray_open_delimiter_is_reported_while_typing() {
        let Validation::Warning(w) = run(MessageFormat::Text, "a << b").verdict else {
            panic!()
        };
        assert!(w.contains("message"), "{w}");
    }

    #[test]
    fn counts_read_well() {
        assert_eq!(byte_count(1), "1 byte");
        assert_eq!(byte_count(999), "999 bytes");
        assert_eq!(byte_count(1_234_567), "1,234,567 bytes");
        assert_eq!(thousands(100_000), "100,000");
    }
}
