//! Script errors with the place they happened: the message QuickJS gave, and the line and
//! column in the user's script, read from the exception's stack (`at f (script:3:9)`).

use std::fmt;

/// An error in a script, with where it is when that is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// `SyntaxError: unexpected token ...`, `TypeError: ...`, `script stopped: ...`.
    pub message: String,
    /// 1-based line and column in the script, when the error points into it.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The script could not be compiled (a syntax error): none of it ran.
    pub compile: bool,
}

impl ScriptError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            line: None,
            column: None,
            compile: false,
        }
    }

    /// From an exception's text and stack: the first stack frame in `file_name` gives the
    /// place (frames of the built-in API are skipped).
    pub fn from_exception(message: String, stack: Option<&str>, file_name: &str) -> Self {
        let (line, column) = stack
            .and_then(|stack| find_location(stack, file_name))
            .map_or((None, None), |(l, c)| (Some(l), c));
        Self {
            message,
            line,
            column,
            compile: false,
        }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{} (line {line}, column {column})", self.message)
            }
            (Some(line), None) => write!(f, "{} (line {line})", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// `file_name:LINE:COL` or `file_name:LINE` in a stack trace.
fn find_location(stack: &str, file_name: &str) -> Option<(u32, Option<u32>)> {
    let needle = format!("{file_name}:");
    let mut rest = stack;
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        let mut numbers = after
            .split(|c: char| !c.is_ascii_digit())
            .take(2)
            .map(|n| n.parse::<u32>().ok());
        let line = numbers.next().flatten();
        let column = after
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .strip_prefix(':')
            .and_then(|_| numbers.next().flatten());
        // A file name that merely ends with ours ("myscript:") is not ours.
        let starts_frame = at == 0
            || rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c == '(' || c.is_whitespace());
        if let Some(line) = line
            && starts_frame
        {
            return Some((line, column));
        }
        rest = &rest[at + needle.len()..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_first_frame_in_the_script() {
        let stack = "    at <anonymous> (prelude:40:7)\n    at f (script:3:9)\n    at <eval> (script:5:1)\n";
        assert_eq!(find_location(stack, "script"), Some((3, Some(9))));
        assert_eq!(
            find_location("    at script:2\n", "script"),
            Some((2, None))
        );
        assert_eq!(find_location("    at (myscript:2:1)", "script"), None);
        assert_eq!(find_location("no frames", "script"), None);
    }

    #[test]
    fn display_names_the_place() {
        let e = ScriptError::from_exception("TypeError: x".into(), Some("at (s.js:4:2)"), "s.js");
        assert_eq!(e.to_string(), "TypeError: x (line 4, column 2)");
    }
}
