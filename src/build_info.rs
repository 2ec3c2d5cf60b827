//! Which build this is: the version and, when it was known at build time, the commit
//! (`build.rs` asks git). `wsprobe --version` and Help → About show the same line.

/// "0.1.0 (abc1234)", or "0.1.0" for a build made without git (e.g. from crates.io).
pub const VERSION: &str = env!("WSPROBE_VERSION");

/// The short hash of the commit the binary was built from, when it is known.
pub fn commit() -> Option<&'static str> {
    Some(env!("WSPROBE_COMMIT")).filter(|commit| !commit.is_empty())
}

/// The first line of `wsprobe --version`: "wsprobe 0.1.0 (abc1234)".
pub fn version_line() -> String {
    format!("wsprobe {VERSION}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_package_version_then_the_commit_if_known() {
        let package = env!("CARGO_PKG_VERSION");
        match commit() {
            Some(commit) => assert_eq!(VERSION, format!("{package} ({commit})")),
            None => assert_eq!(VERSION, package),
        }
        assert_eq!(version_line(), format!("wsprobe {VERSION}"));
    }
}
