//! Why a search cannot be used: a bad regex or a JSON filter that does not parse. Shown
//! inline next to the search field.

/// Why a search cannot be used; shown inline next to the search field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("invalid regex: {0}")]
    Regex(String),
    #[error("`{0}`: expected path=value or path!=value, e.g. r=sensors")]
    NoOperator(String),
    #[error("`{0}`: the path before the operator is empty")]
    EmptyPath(String),
    #[error("`{0}`: empty segment in the path (two dots in a row?)")]
    EmptySegment(String),
    #[error("unclosed quote in the filter")]
    UnclosedQuote,
}
