//! What `wsprobe test` found, and the three ways of writing it: `text` (one line per test and
//! a `N passed, N failed` summary), `junit` (JUnit XML: a `<testsuite>` per target, a
//! `<testcase>` per test, `<failure>` for a failed test, `<error>` for a script error or a
//! failed connection) and `json` (the same data for tools).

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::script::{ScriptError, ScriptLevel, TestResult};

/// One target's outcome.
#[derive(Debug, Clone, Default)]
pub struct TargetReport {
    /// The saved request's name, or the URL.
    pub name: String,
    /// The URL connected to (secrets masked).
    pub url: String,
    pub tests: Vec<TestResult>,
    /// Script errors (exceptions in callbacks, a stopped script).
    pub errors: Vec<ScriptError>,
    /// Console lines, in order.
    pub logs: Vec<(ScriptLevel, String)>,
    /// The connection never opened: why.
    pub connection_error: Option<String>,
    /// How the connection ended: code, reason, by.
    pub closed: Option<(u16, String, &'static str)>,
    pub duration: Duration,
    /// The target's timeout passed before the connection ended.
    pub timed_out: bool,
}

impl TargetReport {
    pub fn passed(&self) -> usize {
        self.tests.iter().filter(|t| t.passed).count()
    }

    pub fn failed(&self) -> usize {
        self.tests.len() - self.passed()
    }

    /// Script errors plus a failed connection.
    pub fn error_count(&self) -> usize {
        self.errors.len() + usize::from(self.connection_error.is_some())
    }
}

/// The run's exit code: 0 when every test passed, at least one ran, and nothing failed.
pub fn exit_code(targets: &[TargetReport]) -> i32 {
    let ran: usize = targets.iter().map(|t| t.tests.len()).sum();
    let bad = targets
        .iter()
        .any(|t| t.failed() > 0 || t.error_count() > 0);
    if bad || ran == 0 { 1 } else { 0 }
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.1} ms")
    } else {
        format!("{value:.0} ms")
    }
}

/// The `text` report.
pub fn text(targets: &[TargetReport]) -> String {
    let mut out = String::new();
    for target in targets {
        let _ = writeln!(out, "{}", target.name);
        for test in &target.tests {
            let mark = if test.passed { '✓' } else { '✗' };
            let message = if test.passed {
                String::new()
            } else {
                format!(": {}", one_line(&test.message))
            };
            let _ = writeln!(out, "  {mark} {}{message} ({})", test.name, ms(test.at_ms));
        }
        for error in &target.errors {
            let _ = writeln!(out, "  ✗ script error: {}", one_line(&error.to_string()));
        }
        if let Some(error) = &target.connection_error {
            let _ = writeln!(out, "  ✗ connection failed: {}", one_line(error));
        }
        if target.tests.is_empty() && target.error_count() == 0 {
            let _ = writeln!(out, "  (no tests ran)");
        }
    }
    let passed: usize = targets.iter().map(TargetReport::passed).sum();
    let failed: usize = targets.iter().map(TargetReport::failed).sum();
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    out
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && c != '\r' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn secs(duration_ms: f64) -> String {
    format!("{:.3}", duration_ms.max(0.0) / 1000.0)
}

/// The `junit` report (the format CI systems read).
pub fn junit(targets: &[TargetReport]) -> String {
    let total = |f: fn(&TargetReport) -> usize| targets.iter().map(f).sum::<usize>();
    let tests = total(|t| t.tests.len() + t.error_count());
    let time: f64 = targets
        .iter()
        .map(|t| t.duration.as_secs_f64() * 1000.0)
        .sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"wsprobe\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
        total(TargetReport::failed),
        total(TargetReport::error_count),
        secs(time)
    );
    for target in targets {
        let name = xml_escape(&target.name);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
            target.tests.len() + target.error_count(),
            target.failed(),
            target.error_count(),
            secs(target.duration.as_secs_f64() * 1000.0)
        );
        let _ = writeln!(
            out,
            "    <properties><property name=\"url\" value=\"{}\"/></properties>",
            xml_escape(&target.url)
        );
        for test in &target.tests {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{name}\" time=\"{}\"",
                xml_escape(&test.name),
                secs(test.at_ms)
            );
            if test.passed {
                out.push_str("/>\n");
            } else {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\" type=\"AssertionError\">{}</failure>\n    </testcase>",
                    xml_escape(&one_line(&test.message)),
                    xml_escape(&test.message)
                );
            }
        }
        for error in &target.errors {
            let _ = writeln!(
                out,
                "    <testcase name=\"script\" classname=\"{name}\" time=\"0\">\n      <error message=\"{}\" type=\"ScriptError\"/>\n    </testcase>",
                xml_escape(&error.to_string())
            );
        }
        if let Some(error) = &target.connection_error {
            let _ = writeln!(
                out,
                "    <testcase name=\"connection\" classname=\"{name}\" time=\"0\">\n      <error message=\"{}\" type=\"ConnectionError\"/>\n    </testcase>",
                xml_escape(error)
            );
        }
        if !target.logs.is_empty() {
            let lines: Vec<String> = target
                .logs
                .iter()
                .map(|(level, text)| format!("[{}] {text}", level.name()))
                .collect();
            let _ = writeln!(
                out,
                "    <system-out>{}</system-out>",
                xml_escape(&lines.join("\n"))
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    passed: usize,
    failed: usize,
    errors: usize,
    targets: Vec<JsonTarget<'a>>,
}

#[derive(Serialize)]
struct JsonTarget<'a> {
    name: &'a str,
    url: &'a str,
    duration_ms: f64,
    timed_out: bool,
    tests: Vec<JsonTest<'a>>,
    errors: Vec<JsonError<'a>>,
    connection_error: Option<&'a str>,
    closed: Option<JsonClose<'a>>,
    logs: Vec<JsonLog<'a>>,
}

#[derive(Serialize)]
struct JsonTest<'a> {
    name: &'a str,
    passed: bool,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'a str,
    time_ms: f64,
    /// The event (1-based, in the target's session) being handled when it was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<u64>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    message: &'a str,
    line: Option<u32>,
    column: Option<u32>,
}

#[derive(Serialize)]
struct JsonClose<'a> {
    code: u16,
    reason: &'a str,
    by: &'a str,
}

#[derive(Serialize)]
struct JsonLog<'a> {
    level: &'a str,
    text: &'a str,
}

/// The `json` report.
pub fn json(targets: &[TargetReport]) -> String {
    let report = JsonReport {
        passed: targets.iter().map(TargetReport::passed).sum(),
        failed: targets.iter().map(TargetReport::failed).sum(),
        errors: targets.iter().map(TargetReport::error_count).sum(),
        targets: targets
            .iter()
            .map(|t| JsonTarget {
                name: &t.name,
                url: &t.url,
                duration_ms: t.duration.as_secs_f64() * 1000.0,
                timed_out: t.timed_out,
                tests: t
                    .tests
                    .iter()
                    .map(|r| JsonTest {
                        name: &r.name,
                        passed: r.passed,
                        message: &r.message,
                        time_ms: r.at_ms,
                        event: (r.event > 0).then_some(r.event),
                    })
                    .collect(),
                errors: t
                    .errors
                    .iter()
                    .map(|e| JsonError {
                        message: &e.message,
                        line: e.line,
                        column: e.column,
                    })
                    .collect(),
                connection_error: t.connection_error.as_deref(),
                closed: t.closed.as_ref().map(|(code, reason, by)| JsonClose {
                    code: *code,
                    reason,
                    by,
                }),
                logs: t
                    .logs
                    .iter()
                    .map(|(level, text)| JsonLog {
                        level: level.name(),
                        text,
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Vec<TargetReport> {
        vec![TargetReport {
            name: "Feed <1>".into(),
            url: "ws://h/".into(),
            tests: vec![
                TestResult {
                    name: "ok".into(),
                    passed: true,
                    message: String::new(),
                    event: 3,
                    at_ms: 12.0,
                },
                TestResult {
                    name: "closed \"normally\"".into(),
                    passed: false,
                    message: "expect(received).toBe(expected)\nExpected: 1000\nReceived: 1006"
                        .into(),
                    event: 0,
                    at_ms: 803.0,
                },
            ],
            errors: vec![ScriptError::from_exception(
                "TypeError: x".into(),
                Some("at f (script:3:9)"),
                "script",
            )],
            ..TargetReport::default()
        }]
    }

    #[test]
    fn text_is_one_line_per_test_and_a_summary() {
        assert_eq!(
            text(&report()),
            "Feed <1>\n  ✓ ok (12 ms)\n  ✗ closed \"normally\": expect(received).toBe(expected) · \
             Expected: 1000 · Received: 1006 (803 ms)\n  ✗ script error: TypeError: x (line 3, \
             column 9)\n1 passed, 1 failed\n"
        );
    }

    #[test]
    fn junit_escapes_and_counts() {
        let xml = junit(&report());
        assert!(
            xml.contains(
                "<testsuite name=\"Feed &lt;1&gt;\" tests=\"3\" failures=\"1\" errors=\"1\""
            ),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"expect(received).toBe(expected) · Expected: 1000 · Received: 1006\""), "{xml}");
        assert!(
            xml.contains("name=\"closed &quot;normally&quot;\""),
            "{xml}"
        );
    }

    #[test]
    fn exit_codes() {
        assert_eq!(exit_code(&report()), 1);
        assert_eq!(exit_code(&[TargetReport::default()]), 1, "no test ran");
        let mut good = report();
        good[0].tests.truncate(1);
        good[0].errors.clear();
        assert_eq!(exit_code(&good), 0);
    }
}
