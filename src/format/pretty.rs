//! Small, tolerant pretty-printers for the Beautify button and the event detail view.
//!
//! They re-indent text without parsing it into a tree, so key order, `<<variables>>` and
//! slightly broken input all survive (a real parser would reorder JSON keys or refuse a draft).

/// Re-indents JSON-like text with two spaces, keeping key order and string contents exactly.
pub fn pretty_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth: usize = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Keep empty containers on one line: `{}` and `[]`.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// HTML elements that never have a closing tag.
const VOID_ELEMENTS: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is kept as written (not re-indented inside).
const RAW_ELEMENTS: [&str; 4] = ["script", "style", "pre", "textarea"];

/// Re-indents XML or HTML: one tag or text run per line, two spaces per level.
/// Tolerant: unclosed or stray closing tags never panic, they just stop changing the depth.
pub fn pretty_markup(text: &str, html: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth: usize = 0;
    let mut rest = text;
    let push_line = |out: &mut String, depth: usize, line: &str| {
        if !out.is_empty() {
            out.push('\n');
        }
        for _ in 0..depth {
            out.push_str("  ");
        }
        out.push_str(line);
    };
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            // Comments, CDATA, declarations and processing instructions: copy whole.
            let (end_marker, is_special) = if after.starts_with("!--") {
                ("-->", true)
            } else if after.starts_with("![CDATA[") {
                ("]]>", true)
            } else if after.starts_with('!') || after.starts_with('?') {
                (">", true)
            } else {
                (">", false)
            };
            let Some(end) = find_tag_end(rest, end_marker, is_special) else {
                push_line(&mut out, depth, rest.trim());
                break;
            };
            let tag = &rest[..end];
            rest = &rest[end..];
            if is_special {
                push_line(&mut out, depth, tag);
                continue;
            }
            let name = tag_name(tag);
            if tag.starts_with("</") {
                depth = depth.saturating_sub(1);
                push_line(&mut out, depth, tag);
            } else if tag.ends_with("/>")
                || (html && VOID_ELEMENTS.contains(&name.to_ascii_lowercase().as_str()))
            {
                push_line(&mut out, depth, tag);
            } else if html && RAW_ELEMENTS.contains(&name.to_ascii_lowercase().as_str()) {
                // Copy everything up to the matching close tag untouched.
                let close = format!("</{name}");
                let lower = rest.to_ascii_lowercase();
                let body_end = lower
                    .find(&close.to_ascii_lowercase())
                    .unwrap_or(rest.len());
                let after_close = rest[body_end..]
                    .find('>')
                    .map(|i| body_end + i + 1)
                    .unwrap_or(rest.len());
                let mut line = String::from(tag);
                line.push_str(&rest[..after_close]);
                push_line(&mut out, depth, &line);
                rest = &rest[after_close..];
            } else {
                push_line(&mut out, depth, tag);
                depth += 1;
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text_run = rest[..end].trim();
            if !text_run.is_empty() {
                // Keep a short text between an open and its close tag on the tag's line.
                push_line(&mut out, depth, text_run);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// Byte index just past the end of the tag starting at `text[0] == '<'`; quotes are respected.
fn find_tag_end(text: &str, end_marker: &str, special: bool) -> Option<usize> {
    if special {
        return text[1..].find(end_marker).map(|i| 1 + i + end_marker.len());
    }
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            (None, '<') => return Some(i), // a stray `<`: end the broken tag here
            _ => {}
        }
    }
    None
}

fn tag_name(tag: &str) -> &str {
    let inner = tag.trim_start_matches('<').trim_start_matches('/');
    let end = inner
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(inner.len());
    &inner[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_order_and_strings() {
        let pretty = pretty_json(r#"{"b":1,"a":[1,2,{}],"s":"x, {y}: \"z\""}"#);
        assert_eq!(
            pretty,
            "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"s\": \"x, {y}: \\\"z\\\"\"\n}"
        );
    }

    #[test]
    fn json_tolerates_variables_and_broken_input() {
        assert_eq!(pretty_json("{\"t\":<<token>>}"), "{\n  \"t\": <<token>>\n}");
        // Unbalanced: never panics.
        let _ = pretty_json("]]]}{{[");
    }

    #[test]
    fn xml_indents_nested_tags() {
        let pretty = pretty_markup(
            "<?xml version=\"1.0\"?><a><b x=\"1>2\">hi</b><c/></a>",
            false,
        );
        assert_eq!(
            pretty,
            "<?xml version=\"1.0\"?>\n<a>\n  <b x=\"1>2\">\n    hi\n  </b>\n  <c/>\n</a>"
        );
    }

    #[test]
    fn html_knows_void_and_raw_elements() {
        let pretty = pretty_markup("<div><br><script>if (a<b) {}</script><p>x</p></div>", true);
        assert_eq!(
            pretty,
            "<div>\n  <br>\n  <script>if (a<b) {}</script>\n  <p>\n    x\n  </p>\n</div>"
        );
    }

    #[test]
    fn markup_tolerates_garbage() {
        for input in ["<", "</a></b>", "<a", "a < b", "<!-- x", "<a b='>"] {
            let _ = pretty_markup(input, true);
            let _ = pretty_markup(input, false);
        }
    }
}
