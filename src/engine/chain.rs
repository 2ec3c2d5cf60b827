//! The text users see for an error: the error and its causes (`source()` chain), joined with
//! ": ". Engine error types keep their causes as sources and never repeat them in `Display`;
//! the event that reports an error builds its message here, so each cause is said once.

use std::error::Error;

/// `err`, then each of its causes, joined with ": ". A cause whose text the message already
/// holds (a foreign error type that prints its own source) is not repeated.
pub(crate) fn chain(err: &dyn Error) -> String {
    let mut message = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        let text = err.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = err.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("could not connect to a:1")]
    struct Outer(#[source] std::io::Error);

    /// A foreign error that repeats its source in its own text.
    #[derive(Debug, thiserror::Error)]
    #[error("wrapped: {0}")]
    struct Repeats(#[source] std::io::Error);

    #[test]
    fn causes_are_joined_once() {
        let refused = || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(
            chain(&Outer(refused())),
            "could not connect to a:1: refused"
        );
        assert_eq!(chain(&Repeats(refused())), "wrapped: refused");
        assert_eq!(chain(&refused()), "refused");
    }
}
