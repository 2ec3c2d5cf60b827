//! A single-line text field where `<<name>>` is highlighted (defined vs undefined), hovering
//! shows the resolved values (secrets masked), and typing `<<` offers variable names.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use egui::text::{CCursor, CCursorRange, LayoutJob};
use egui::{Color32, FontId, Galley, RichText, TextFormat, Ui};

use crate::model::Variable;

/// Built-ins the template engine knows (see `template.rs`).
const BUILTIN_NAMES: [&str; 6] = [
    "$timestamp",
    "$timestampMs",
    "$isoTimestamp",
    "$randomUUID",
    "$guid",
    "$randomInt",
];
const FUNCTION_NAMES: [&str; 5] = [
    "timestamp",
    "timestamp_ms",
    "iso_timestamp",
    "uuid",
    "random_int",
];

/// The variables in effect this frame (active environment over Globals).
#[derive(Debug, Clone, Default)]
pub struct VarContext {
    values: BTreeMap<String, Variable>,
    /// Where each value comes from ("folder “Home”"), when known: shown on hover.
    sources: BTreeMap<String, String>,
}

impl VarContext {
    pub fn new(variables: Vec<Variable>) -> Self {
        Self {
            values: variables.into_iter().map(|v| (v.name.clone(), v)).collect(),
            sources: BTreeMap::new(),
        }
    }

    /// The variables in effect with where each comes from
    /// ([`crate::model::Workspace::variables_in`]).
    pub fn with_sources(variables: Vec<(Variable, crate::model::VarSource)>) -> Self {
        let sources = variables
            .iter()
            .map(|(v, source)| (v.name.clone(), source.to_string()))
            .collect();
        let mut vars = Self::new(variables.into_iter().map(|(v, _)| v).collect());
        vars.sources = sources;
        vars
    }

    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.values.get(name)
    }

    /// The values of variables marked secret, for masking exports.
    pub fn secret_values(&self) -> Vec<String> {
        self.values
            .values()
            .filter(|v| v.secret && !v.value.is_empty())
            .map(|v| v.value.clone())
            .collect()
    }

    /// Changes whenever a variable is added, removed or changes value (a cheap cache key).
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for v in self.values.values() {
            (&v.name, &v.value, v.secret).hash(&mut h);
        }
        h.finish()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// Whether `<<expr>>` refers to something defined.
    pub fn is_defined(&self, span: &VarSpan) -> bool {
        let name = span.name.as_str();
        if name.starts_with('$') {
            BUILTIN_NAMES.contains(&name)
        } else if span.is_call {
            FUNCTION_NAMES.contains(&name)
        } else {
            self.values.contains_key(name)
        }
    }

    /// `text` with plain `<<name>>` variables replaced by their values (for previews only;
    /// real expansion is `template::Resolver`). Unknown ones are left as written.
    pub fn expand_simple(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for span in var_spans(text) {
            out.push_str(&text[at..span.range.start]);
            match self.get(&span.name) {
                Some(v) if !span.is_call => out.push_str(&v.value),
                _ => out.push_str(&text[span.range.clone()]),
            }
            at = span.range.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// What hovering a variable shows: its value, masked when secret.
    pub fn describe(&self, span: &VarSpan) -> String {
        if span.name.starts_with('$') || span.is_call {
            return if self.is_defined(span) {
                format!("{}: built-in, computed when sent", span.name)
            } else {
                format!("{}: unknown built-in", span.name)
            };
        }
        let from = self
            .sources
            .get(&span.name)
            .map(|s| format!(" · from {s}"))
            .unwrap_or_default();
        match self.get(&span.name) {
            Some(v) if v.secret => format!("{} = •••••• (secret){from}", span.name),
            Some(v) => format!("{} = {}{from}", span.name, v.value),
            None => format!(
                "{}: undefined in the folders, the active environment and Globals",
                span.name
            ),
        }
    }
}

/// One `<<...>>` occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarSpan {
    /// Byte range of the whole `<<...>>`, delimiters included.
    pub range: Range<usize>,
    /// The variable (or built-in, or function) name: the expression's leading identifier.
    pub name: String,
    /// `name(...)`: a function call.
    pub is_call: bool,
}

/// Finds every complete `<<...>>` in `text`, in order.
pub fn var_spans(text: &str) -> Vec<VarSpan> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("<<").map(|i| from + i) {
        let Some(end) = text[start + 2..].find(">>").map(|i| start + 2 + i + 2) else {
            break;
        };
        let inner = text[start + 2..end - 2].trim();
        let name_len = inner
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.' || c == '-'))
            .unwrap_or(inner.len());
        let name = inner[..name_len].to_owned();
        let is_call = inner[name_len..].trim_start().starts_with('(');
        spans.push(VarSpan {
            range: start..end,
            name,
            is_call,
        });
        from = end;
    }
    spans
}

/// If the cursor (a char index) sits right after `<<` plus a partial name, the byte range of
/// that partial name and the partial name itself.
pub fn completion_prefix(text: &str, cursor_char: usize) -> Option<(Range<usize>, String)> {
    let cursor = text
        .char_indices()
        .nth(cursor_char)
        .map_or(text.len(), |(i, _)| i);
    let before = &text[..cursor];
    let open = before.rfind("<<")?;
    let partial = &before[open + 2..];
    if partial.contains(">>")
        || !partial
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ' ')
    {
        return None;
    }
    let trimmed = partial.trim_start();
    let start = cursor - trimmed.len();
    Some((start..cursor, trimmed.to_owned()))
}

/// Colours for highlighted spans.
pub fn var_colors(dark: bool) -> (Color32, Color32) {
    if dark {
        (
            Color32::from_rgb(0x6c, 0xc0, 0xff),
            Color32::from_rgb(0xff, 0x6b, 0x6b),
        )
    } else {
        (
            Color32::from_rgb(0x0b, 0x5c, 0xad),
            Color32::from_rgb(0xc6, 0x28, 0x28),
        )
    }
}

/// A LayoutJob for `text` with `<<var>>` spans coloured.
pub fn highlight_job(
    text: &str,
    vars: &VarContext,
    font: FontId,
    text_color: Color32,
    dark: bool,
) -> LayoutJob {
    let (defined, undefined) = var_colors(dark);
    let mut job = LayoutJob::default();
    let plain = TextFormat::simple(font.clone(), text_color);
    let mut at = 0;
    for span in var_spans(text) {
        job.append(&text[at..span.range.start], 0.0, plain.clone());
        let color = if vars.is_defined(&span) {
            defined
        } else {
            undefined
        };
        let mut format = TextFormat::simple(font.clone(), color);
        format.background = color.gamma_multiply(0.15);
        job.append(&text[span.range.clone()], 0.0, format);
        at = span.range.end;
    }
    job.append(&text[at..], 0.0, plain);
    job
}

/// The `<<...>>` at a cursor position (a char index), delimiters included at both ends.
pub fn span_at<'a>(text: &str, spans: &'a [VarSpan], char_index: usize) -> Option<&'a VarSpan> {
    let byte = text
        .char_indices()
        .nth(char_index)
        .map_or(text.len(), |(b, _)| b);
    spans
        .iter()
        .find(|s| s.range.start <= byte && byte <= s.range.end)
}

/// What hovering a multi-line editor shows, as in the URL bar: the `<<name>>` under the
/// pointer with its value (secrets masked); `None` elsewhere, when not hovered, or for a text
/// over `limit` bytes (not searched on every hovered frame).
pub fn var_hover(
    output: &egui::text_edit::TextEditOutput,
    text: &str,
    vars: &VarContext,
    limit: usize,
) -> Option<String> {
    let pos = output.response.response.hover_pos()?;
    if text.len() > limit || !text.contains("<<") {
        return None;
    }
    let spans = var_spans(text);
    let cursor = output.galley.cursor_from_pos(pos - output.galley_pos);
    span_at(text, &spans, cursor.index.0).map(|span| vars.describe(span))
}

/// What a [`template_field`] reports.
pub struct FieldOutput {
    pub response: egui::Response,
    /// Enter was pressed while the field had focus (and no completion was taken).
    pub submitted: bool,
}

/// A templated single-line field. `name` is its accessible name (tests find it by that).
pub fn template_field(
    ui: &mut Ui,
    text: &mut String,
    vars: &VarContext,
    name: &str,
    hint: &str,
    width: f32,
    password: bool,
) -> FieldOutput {
    let dark = ui.visuals().dark_mode;
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let text_color = ui.visuals().text_color();
    let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap_width: f32| -> Arc<Galley> {
        let mut job = highlight_job(buf.as_str(), vars, font.clone(), text_color, dark);
        job.wrap.max_width = wrap_width;
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let mut edit = egui::TextEdit::singleline(text)
        .hint_text(RichText::new(hint).italics())
        .desired_width(width)
        .min_size(egui::vec2(width.min(600.0), 0.0))
        .font(egui::TextStyle::Monospace);
    if password {
        edit = edit.password(true);
    } else {
        edit = edit.layouter(&mut layouter);
    }
    // The completion list (shown last frame, while the field had focus) takes ↑, ↓, Enter and
    // Escape before the field sees them. Escape closes it until the cursor moves.
    let nav_id = ui.next_auto_id().with("completion_nav");
    let dismissed_id = nav_id.with("dismissed");
    let mut nav = ui.data(|d| d.get_temp::<CompletionNav>(nav_id));
    let mut take_highlighted = false;
    let mut escaped = false;
    if let Some(open) = nav
        && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
    {
        ui.data_mut(|d| d.insert_temp(dismissed_id, open.cursor));
        nav = None;
        escaped = true;
    }
    if let Some(nav) = nav.as_mut() {
        let count = nav.count.max(1);
        ui.input_mut(|i| {
            if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown) {
                nav.highlighted = (nav.highlighted + 1) % count;
            }
            if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp) {
                nav.highlighted = (nav.highlighted + count - 1) % count;
            }
            take_highlighted = i.consume_key(egui::Modifiers::NONE, egui::Key::Enter);
        });
    }
    // While the list is open, Tab completes instead of moving the focus on.
    let edit = edit.lock_focus(nav.is_some());
    let output = edit.show(ui);
    let response = output.response.response.clone().accessible_name(name);
    if escaped {
        // egui drops the focus on Escape before any widget runs; closing the list should not.
        response.request_focus();
    }
    let mut submitted = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));

    // Hover: the variable under the pointer with its value; elsewhere, every one in the field.
    let spans = var_spans(text);
    let response = if !spans.is_empty() && !password {
        let under = response.hover_pos().and_then(|pos| {
            let cursor = output.galley.cursor_from_pos(pos - output.galley_pos);
            span_at(text, &spans, cursor.index.0)
        });
        let lines: Vec<String> = match under {
            Some(span) => vec![vars.describe(span)],
            None => spans.iter().map(|s| vars.describe(s)).collect(),
        };
        response.on_hover_text(lines.join("\n"))
    } else {
        response
    };

    // Completion after `<<`. Clicking a suggestion takes focus from the field on the press,
    // so the last cursor position is remembered until that click completes.
    let memory_id = response.id.with("completion_cursor");
    let cursor = if response.has_focus() {
        let cursor = output.cursor_range.map(|r| r.primary.index.0);
        ui.data_mut(|d| match cursor {
            Some(c) => {
                d.insert_temp(memory_id, c);
            }
            None => d.remove::<usize>(memory_id),
        });
        cursor
    } else {
        let clicking = ui.input(|i| i.pointer.any_down() || i.pointer.any_released());
        let remembered = ui.data(|d| d.get_temp::<usize>(memory_id));
        if !clicking && remembered.is_some() {
            ui.data_mut(|d| d.remove::<usize>(memory_id));
        }
        remembered.filter(|_| clicking)
    };
    let mut listed = false;
    let dismissed = ui.data(|d| d.get_temp::<usize>(dismissed_id));
    if cursor.is_some() && dismissed.is_some() && dismissed != cursor {
        ui.data_mut(|d| d.remove::<usize>(dismissed_id));
    }
    if let Some(cursor) = cursor
        && dismissed != Some(cursor)
        && let Some((range, partial)) = completion_prefix(text, cursor)
    {
        let lower = partial.to_lowercase();
        let candidates: Vec<String> = vars
            .names()
            .filter(|n| n.to_lowercase().starts_with(&lower))
            .map(str::to_owned)
            .take(12)
            .collect();
        if !candidates.is_empty() {
            let mut chosen: Option<String> = None;
            // The same list as last frame keeps its highlighted row; a new list starts at the top.
            let highlighted = nav
                .filter(|n| n.count == candidates.len())
                .map_or(0, |n| n.highlighted.min(candidates.len() - 1));
            if take_highlighted
                || ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Tab))
            {
                chosen = Some(candidates[highlighted].clone());
            }
            egui::Popup::from_response(&response).open(true).show(|ui| {
                ui.set_min_width(160.0);
                ui.weak("Variables (↑ ↓, Enter or Tab takes one, Esc closes)");
                for (i, name) in candidates.iter().enumerate() {
                    if ui.selectable_label(i == highlighted, name).clicked() {
                        chosen = Some(name.clone());
                    }
                }
            });
            if chosen.is_none() && response.has_focus() {
                let next = CompletionNav {
                    count: candidates.len(),
                    highlighted,
                    cursor,
                };
                ui.data_mut(|d| d.insert_temp(nav_id, next));
                listed = true;
            }
            if let Some(name) = chosen {
                // Replace the partial name (and a `>>` right after it, if any) with `name>>`.
                let tail = &text[range.end..];
                let skip = if tail.starts_with(">>") { 2 } else { 0 };
                let replacement = format!("{name}>>");
                text.replace_range(range.start..range.end + skip, &replacement);
                let new_cursor = text[..range.start + replacement.len()].chars().count();
                let mut state = output.state.clone();
                state
                    .cursor
                    .set_char_range(Some(CCursorRange::one(CCursor::new(new_cursor))));
                state.store(ui.ctx(), response.id);
                response.request_focus();
                submitted = false;
            }
        }
    }
    if !listed {
        ui.data_mut(|d| d.remove::<CompletionNav>(nav_id));
    }
    FieldOutput {
        response,
        submitted,
    }
}

/// The `<<` completion list as the keyboard sees it: how many names it shows and which is
/// highlighted (↑ and ↓ move, Enter or Tab takes it).
#[derive(Debug, Clone, Copy, Default)]
struct CompletionNav {
    count: usize,
    highlighted: usize,
    /// Where the cursor was when the list was shown (Escape closes it for that place).
    cursor: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_spans_with_names_filters_and_calls() {
        let spans =
            var_spans("ws://<<host>>:<< port >>/x?t=<<token | upper>>&u=<<uuid()>>&<<$timestamp>>");
        let names: Vec<_> = spans.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["host", "port", "token", "uuid", "$timestamp"]);
        assert!(spans[3].is_call);
        assert_eq!(spans[0].range, 5..13);
    }

    #[test]
    fn the_span_under_a_cursor_position() {
        let text = "wß://<<host>>:<<port>>/";
        let spans = var_spans(text);
        let at = |i| span_at(text, &spans, i).map(|s| s.name.as_str());
        assert_eq!(at(0), None);
        assert_eq!(at(5), Some("host")); // before the first `<`
        assert_eq!(at(9), Some("host"));
        assert_eq!(at(13), Some("host")); // right after `>>`
        assert_eq!(at(15), Some("port"));
        assert_eq!(at(23), None);
        assert_eq!(at(99), None);
    }

    #[test]
    fn unclosed_span_is_not_a_span() {
        assert!(var_spans("a << b").is_empty());
    }

    #[test]
    fn defined_and_undefined() {
        let vars = VarContext::new(vec![Variable::new("host", "localhost")]);
        let spans = var_spans("<<host>><<nope>><<$timestamp>><<$bogus>><<uuid()>>");
        let defined: Vec<bool> = spans.iter().map(|s| vars.is_defined(s)).collect();
        assert_eq!(defined, [true, false, true, false, true]);
    }

    #[test]
    fn secrets_are_masked_on_hover() {
        let mut secret = Variable::new("token", "hunter2");
        secret.secret = true;
        let vars = VarContext::new(vec![secret]);
        let text = vars.describe(&var_spans("<<token>>")[0]);
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn completion_prefix_after_open_delimiter() {
        assert_eq!(completion_prefix("ws://<<ho", 9), Some((7..9, "ho".into())));
        assert_eq!(completion_prefix("ws://<<", 7), Some((7..7, String::new())));
        assert_eq!(completion_prefix("ws://<<host>>/", 14), None);
        assert_eq!(completion_prefix("ws://host", 9), None);
    }
}
