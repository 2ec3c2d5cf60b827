//! A multi-line code editor with syntect highlighting for JSON, XML and HTML.
//!
//! Highlighting the whole text on every frame would be slow for big bodies, so the highlighted
//! LayoutJob is cached with the exact text it was built from (and format, theme, variables) and
//! only rebuilt when one of those changes. Texts above [`HIGHLIGHT_LIMIT`] are shown plain (one
//! section), with a note from [`large_text_note`].

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use egui::text::LayoutJob;
use egui::{Color32, FontId, Galley, TextFormat, Ui};
use syntect::highlighting::{HighlightIterator, HighlightState, Highlighter, Theme, ThemeSet};
use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::kept_galley::FontEpoch;
use super::template_field::{VarContext, highlight_job, var_colors, var_hover, var_spans};
use crate::model::MessageFormat;

/// Above this many bytes the editor skips syntax highlighting (it stays editable and fast).
pub const HIGHLIGHT_LIMIT: usize = 256 * 1024;

struct Syntect {
    syntaxes: SyntaxSet,
    dark: Theme,
    light: Theme,
}

fn syntect() -> &'static Syntect {
    static SYNTECT: OnceLock<Syntect> = OnceLock::new();
    SYNTECT.get_or_init(|| {
        let mut themes = ThemeSet::load_defaults().themes;
        Syntect {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            dark: themes.remove("base16-ocean.dark").unwrap_or_default(),
            light: themes.remove("InspiredGitHub").unwrap_or_default(),
        }
    })
}

/// What an editor holds: a message in one of its formats, or a request's script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Message(MessageFormat),
    JavaScript,
}

impl From<MessageFormat> for Syntax {
    fn from(format: MessageFormat) -> Self {
        Syntax::Message(format)
    }
}

/// Highlights `text` as `format` (JSON/XML/HTML, JavaScript); other formats get `<<var>>`
/// colouring only.
pub fn highlight(
    text: &str,
    format: impl Into<Syntax>,
    dark: bool,
    font: FontId,
    text_color: Color32,
    vars: &VarContext,
) -> LayoutJob {
    let mut lines = LineColours::default();
    highlight_incremental(
        text,
        format.into(),
        dark,
        font,
        text_color,
        vars,
        &mut lines,
    )
}

/// The parser and highlighter state at the start of a line.
type LineState = (ParseState, HighlightState);

/// One line's syntax colours: the state it starts in, and (length in bytes, colour) pieces.
struct LineInfo {
    start: LineState,
    pieces: Vec<(usize, Color32)>,
}

/// Syntax colours per line, kept between edits: an edit highlights again from its first
/// changed line only until the parser's state equals the old state at the same line (usually
/// the next line), and the other lines keep their colours. Typing in 240 KB of JSON then
/// highlights a line or two instead of all 15,000.
#[derive(Default)]
pub struct LineColours {
    /// (file extension, dark theme) the colours are for.
    key: Option<(&'static str, bool)>,
    /// The text the lines were computed from.
    text: String,
    lines: Vec<LineInfo>,
    /// The state after the last line.
    end: Option<LineState>,
}

impl LineColours {
    /// Brings the colours up to date with `text`.
    fn update(
        &mut self,
        text: &str,
        key: (&'static str, bool),
        syntax: &syntect::parsing::SyntaxReference,
        theme: &Theme,
        syntaxes: &SyntaxSet,
        text_color: Color32,
    ) {
        if self.key != Some(key) {
            *self = Self {
                key: Some(key),
                ..Self::default()
            };
        }
        let highlighter = Highlighter::new(theme);
        let old = self.text.as_bytes();
        let new = text.as_bytes();
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let max_suffix = old.len().min(new.len()) - prefix;
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(max_suffix)
            .take_while(|(a, b)| a == b)
            .count();
        // Old lines wholly inside the common prefix (ending with their newline) are kept.
        let mut keep = 0;
        let mut at = 0;
        for line in &self.lines {
            let len: usize = line.pieces.iter().map(|p| p.0).sum();
            if len == 0 || at + len > prefix || old.get(at + len - 1) != Some(&b'\n') {
                break;
            }
            at += len;
            keep += 1;
        }
        // Old line starts from which the rest of the text is unchanged, as (line, new start).
        let delta = new.len() as isize - old.len() as isize;
        let suffix_from = old.len() - suffix;
        let mut reusable = Vec::new();
        let mut start = 0;
        for (i, line) in self.lines.iter().enumerate() {
            if i >= keep && (start > suffix_from || (start == suffix_from && start == 0)) {
                reusable.push((i, (start as isize + delta) as usize));
            }
            start += line.pieces.iter().map(|p| p.0).sum::<usize>();
        }
        let mut state = match self.lines.get(keep) {
            Some(line) => line.start.clone(),
            None if keep == 0 => (
                ParseState::new(syntax),
                HighlightState::new(&highlighter, ScopeStack::new()),
            ),
            None => self.end.clone().unwrap_or_else(|| {
                (
                    ParseState::new(syntax),
                    HighlightState::new(&highlighter, ScopeStack::new()),
                )
            }),
        };
        let mut fresh = Vec::new();
        let mut offset = at;
        let mut resumed = None;
        let mut candidates = reusable.iter().peekable();
        for line in LinesWithEndings::from(&text[at..]) {
            while candidates.peek().is_some_and(|c| c.1 < offset) {
                candidates.next();
            }
            if let Some(&&(old_index, _)) = candidates.peek().filter(|c| c.1 == offset)
                && self.lines[old_index].start == state
            {
                resumed = Some(old_index);
                break;
            }
            let start = state.clone();
            let pieces = match state.0.parse_line(line, syntaxes) {
                Ok(ops) => HighlightIterator::new(&mut state.1, &ops, line, &highlighter)
                    .map(|(style, piece)| {
                        let c = style.foreground;
                        let color = if c.a == 0 {
                            text_color
                        } else {
                            Color32::from_rgb(c.r, c.g, c.b)
                        };
                        (piece.len(), color)
                    })
                    .collect(),
                Err(_) => vec![(line.len(), text_color)],
            };
            fresh.push(LineInfo { start, pieces });
            offset += line.len();
        }
        match resumed {
            Some(old_index) => {
                self.lines.splice(keep..old_index, fresh);
            }
            None => {
                self.lines.truncate(keep);
                self.lines.extend(fresh);
                self.end = Some(state);
            }
        }
        self.text.clear();
        self.text.push_str(text);
    }
}

/// [`highlight`], reusing (and updating) the per-line colours of the previous call.
#[allow(clippy::too_many_arguments)]
fn highlight_incremental(
    text: &str,
    format: Syntax,
    dark: bool,
    font: FontId,
    text_color: Color32,
    vars: &VarContext,
    colours: &mut LineColours,
) -> LayoutJob {
    if text.len() > HIGHLIGHT_LIMIT {
        // One section: the cheapest layout egui can do (and `<<variables>>` are not coloured).
        return LayoutJob::simple(text.to_owned(), font, text_color, f32::INFINITY);
    }
    let extension = match format {
        Syntax::Message(MessageFormat::Json) => "json",
        Syntax::Message(MessageFormat::Xml) => "xml",
        Syntax::Message(MessageFormat::Html) => "html",
        Syntax::JavaScript => "js",
        _ => return highlight_job(text, vars, font, text_color, dark),
    };
    let s = syntect();
    let Some(syntax) = s.syntaxes.find_syntax_by_extension(extension).or_else(|| {
        (extension == "json")
            .then(|| s.syntaxes.find_syntax_by_extension("js"))
            .flatten()
    }) else {
        return highlight_job(text, vars, font, text_color, dark);
    };
    let theme = if dark { &s.dark } else { &s.light };
    colours.update(
        text,
        (extension, dark),
        syntax,
        theme,
        &s.syntaxes,
        text_color,
    );
    // `<<variables>>` keep their defined/undefined colours on top of the syntax colours.
    let spans = var_spans(text);
    let (defined, undefined) = var_colors(dark);
    let mut job = LayoutJob::default();
    let mut offset = 0;
    let append = |job: &mut LayoutJob, piece: &str, color: Color32, offset: &mut usize| {
        let start = *offset;
        let end = start + piece.len();
        let mut at = start;
        for span in spans
            .iter()
            .filter(|sp| sp.range.start < end && sp.range.end > start)
        {
            let s0 = span.range.start.max(start);
            let s1 = span.range.end.min(end);
            if s0 > at {
                job.append(&text[at..s0], 0.0, TextFormat::simple(font.clone(), color));
            }
            let var_color = if vars.is_defined(span) {
                defined
            } else {
                undefined
            };
            let mut format = TextFormat::simple(font.clone(), var_color);
            format.background = var_color.gamma_multiply(0.15);
            job.append(&text[s0..s1], 0.0, format);
            at = s1;
        }
        if at < end {
            job.append(&text[at..end], 0.0, TextFormat::simple(font.clone(), color));
        }
        *offset = end;
    };
    for line in &colours.lines {
        for &(len, color) in &line.pieces {
            let piece = &text[offset..offset + len];
            append(&mut job, piece, color, &mut offset);
        }
    }
    job
}

/// What the cached layout was built from, besides the text.
#[derive(PartialEq)]
struct JobKey {
    format: Syntax,
    dark: bool,
    font: FontId,
    text_color: Color32,
    /// Which variables exist decides their colour.
    vars: Vec<String>,
}

/// The last highlighted layout and the exact text it was built from.
struct Cached {
    key: JobKey,
    /// Its text is exactly the text it was built from (compared every frame).
    job: Arc<LayoutJob>,
    /// The last galley laid out from `job`, and the wrap width it was laid out at.
    galley: Option<(f32, Arc<Galley>)>,
    /// Big texts: the galleys of the last layout's chunks (see [`chunked_layout`]).
    chunks: HashMap<u64, Arc<Galley>>,
}

/// Texts longer than this are laid out in chunks of whole lines, each cached by its content,
/// so a keystroke lays out one chunk again instead of the whole text (egui caches each line
/// separately, but for 80,000 lines even that bookkeeping took ~20 ms per keystroke).
pub const CHUNKED_LAYOUT_MIN: usize = 64 * 1024;
/// A chunk ends at the first "boundary line" after this many bytes...
const CHUNK_MIN: usize = 4 * 1024;
/// ...or at the first line end after this many.
const CHUNK_MAX: usize = 32 * 1024;

/// Where `text` splits into chunks: the byte index of each `\n` that ends a chunk (the `\n`
/// itself belongs to neither side, as egui's own paragraph split does). A boundary depends on
/// the line's own content (a cheap hash of it), so an edit moves at most the chunk it is in:
/// the chunks after it keep their text and their cached layout.
fn chunk_ends(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut ends = Vec::with_capacity(text.len() / CHUNK_MIN + 1);
    let mut chunk_start = 0;
    let mut line_start = 0;
    // Never end a chunk at the very last byte: the last chunk keeps a trailing newline.
    let last = bytes.len().saturating_sub(1);
    while let Some(offset) = text[line_start..].find('\n') {
        let nl = line_start + offset;
        if nl >= last {
            break;
        }
        let size = nl - chunk_start;
        if size >= CHUNK_MAX || (size >= CHUNK_MIN && boundary_line(&bytes[line_start..nl])) {
            ends.push(nl);
            chunk_start = nl + 1;
        }
        line_start = nl + 1;
    }
    ends
}

/// About one line in eight qualifies (FNV-1a of its bytes).
fn boundary_line(line: &[u8]) -> bool {
    let mut h: u32 = 0x811c_9dc5;
    for &b in line {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h >> 29 == 0
}

/// The sections of `job` overlapping `range`, as (range within the chunk, leading space,
/// section). `first_section` is where to start looking (chunks come in order).
fn chunk_sections<'a>(
    job: &'a LayoutJob,
    range: &std::ops::Range<usize>,
    first_section: &mut usize,
) -> Vec<(std::ops::Range<usize>, f32, &'a egui::text::LayoutSection)> {
    let mut out = Vec::new();
    for section in &job.sections[*first_section..] {
        let (start, end) = (section.byte_range.start.0, section.byte_range.end.0);
        if end <= range.start {
            *first_section += 1;
            continue;
        }
        if start > range.end {
            break;
        }
        let clipped = start.max(range.start) - range.start..end.min(range.end) - range.start;
        let leading_space = if start >= range.start {
            section.leading_space
        } else {
            0.0
        };
        out.push((clipped, leading_space, section));
    }
    out
}

/// Lays out a big `job` as chunks of whole lines joined with [`Galley::concat`], reusing the
/// chunk galleys of the previous layout (`chunks`) whose text and format are unchanged.
fn chunked_layout(
    ui: &Ui,
    job: Arc<LayoutJob>,
    chunks: &mut HashMap<u64, Arc<Galley>>,
) -> Arc<Galley> {
    let text = job.text.as_str();
    let mut ranges = Vec::new();
    let mut start = 0;
    for end in chunk_ends(text) {
        ranges.push(start..end);
        start = end + 1;
    }
    ranges.push(start..text.len());
    let mut first_section = 0;
    let mut galleys = Vec::with_capacity(ranges.len());
    let mut next = HashMap::with_capacity(ranges.len());
    for range in ranges {
        let sections = chunk_sections(&job, &range, &mut first_section);
        // The chunk's identity (ahash, as egui's own cache), hashed without copying it.
        let key = egui::epaint::util::hash((
            &text[range.clone()],
            sections
                .iter()
                .map(|(clipped, leading_space, section)| {
                    (clipped.clone(), leading_space.to_bits(), &section.format)
                })
                .collect::<Vec<_>>(),
            job.wrap.max_width.to_bits(),
        ));
        let galley = match chunks.get(&key) {
            Some(galley) => galley.clone(),
            None => {
                let sub = LayoutJob {
                    text: text[range].to_owned(),
                    sections: sections
                        .into_iter()
                        .map(
                            |(clipped, leading_space, section)| egui::text::LayoutSection {
                                leading_space,
                                byte_range: egui::text::ByteIndex(clipped.start)
                                    ..egui::text::ByteIndex(clipped.end),
                                format: section.format.clone(),
                            },
                        )
                        .collect(),
                    wrap: job.wrap.clone(),
                    break_on_newline: job.break_on_newline,
                    halign: job.halign,
                    justify: job.justify,
                    round_output_to_gui: job.round_output_to_gui,
                    keep_trailing_whitespace: job.keep_trailing_whitespace,
                    ..Default::default()
                };
                ui.fonts_mut(|f| f.layout_job(sub))
            }
        };
        next.insert(key, galley.clone());
        galleys.push(galley);
    }
    *chunks = next;
    let pixels_per_point = ui.ctx().pixels_per_point();
    Arc::new(Galley::concat(job, &galleys, pixels_per_point))
}

/// Editor state kept across frames: the cached highlighted layout.
///
/// The cache is checked by comparing the text with the one it was built from (a memory
/// compare, ~0.05 ms for 1 MB) rather than hashing it every frame (~1 ms for 1 MB).
#[derive(Default)]
pub struct CodeEditor {
    cache: Option<Cached>,
    /// Notices when egui cleared its caches (font atlas rebuilt, scale changed): our galleys
    /// are stale then.
    epoch: FontEpoch,
    /// Syntax colours per line, so an edit highlights a line or two again, not everything.
    colours: LineColours,
    /// Keyboard: Tab types a tab, so the keyboard could never leave the editor. Escape (which
    /// egui makes drop the focus) keeps the focus here but lets the next Tab / Shift+Tab move
    /// it on, until the editor is left or typed in.
    tab_moves_on: bool,
    had_focus: bool,
}

/// The note shown above an editor whose text is too large to highlight, if it is.
pub fn large_text_note(len: usize) -> Option<String> {
    (len > HIGHLIGHT_LIMIT).then(|| {
        format!(
            "Large message: highlighting off above {} KiB",
            HIGHLIGHT_LIMIT / 1024
        )
    })
}

impl CodeEditor {
    /// Shows the editor (a TextEdit with the id `id`); returns the TextEdit output. `name` is
    /// the accessible name.
    #[allow(clippy::too_many_arguments)]
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        id: egui::Id,
        text: &mut String,
        format: impl Into<Syntax>,
        vars: &VarContext,
        name: &str,
        rows: usize,
    ) -> egui::text_edit::TextEditOutput {
        let format = format.into();
        let dark = ui.visuals().dark_mode;
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let text_color = ui.visuals().text_color();
        let cache = &mut self.cache;
        let epoch = &mut self.epoch;
        let colours = &mut self.colours;
        let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap_width: f32| -> Arc<Galley> {
            let text = buf.as_str();
            if epoch.changed(ui, &font)
                && let Some(cached) = cache.as_mut()
            {
                cached.galley = None;
                cached.chunks.clear();
            }
            let fresh = cache.as_ref().is_some_and(|c| {
                c.job.text == text
                    && c.key.format == format
                    && c.key.dark == dark
                    && c.key.font == font
                    && c.key.text_color == text_color
                    && c.key.vars.iter().map(String::as_str).eq(vars.names())
            });
            if !fresh {
                let mut job = highlight_incremental(
                    text,
                    format,
                    dark,
                    font.clone(),
                    text_color,
                    vars,
                    colours,
                );
                job.wrap.max_width = wrap_width;
                let key = JobKey {
                    format,
                    dark,
                    font: font.clone(),
                    text_color,
                    vars: vars.names().map(str::to_owned).collect(),
                };
                let chunks = cache.take().map(|c| c.chunks).unwrap_or_default();
                *cache = Some(Cached {
                    key,
                    job: Arc::new(job),
                    galley: None,
                    chunks,
                });
            }
            let Some(cached) = cache.as_mut() else {
                return ui.fonts_mut(|f| f.layout_job(LayoutJob::default()));
            };
            if let Some((width, galley)) = &cached.galley
                && *width == wrap_width
            {
                // A big text unchanged since its last layout (an idle frame): no copy, no hash.
                return galley.clone();
            }
            if cached.job.wrap.max_width != wrap_width {
                Arc::make_mut(&mut cached.job).wrap.max_width = wrap_width;
            }
            if cached.job.text.len() <= CHUNKED_LAYOUT_MIN {
                // egui's own cache (per line) is quick at this size; it must see the job every
                // frame or it drops the lines' layouts.
                cached.chunks.clear();
                let job = (*cached.job).clone();
                return ui.fonts_mut(|f| f.layout_job(job));
            }
            let galley = chunked_layout(ui, cached.job.clone(), &mut cached.chunks);
            cached.galley = Some((wrap_width, galley.clone()));
            galley
        };
        let escaped = self.had_focus && ui.input(|i| i.key_pressed(egui::Key::Escape));
        if escaped {
            self.tab_moves_on = true;
        }
        // A blinking cursor repaints the window twice a second, and egui's TextEdit copies its
        // whole text each frame it draws (for its undo and change checks): above the chunked
        // size the cursor stays solid, so a focused big draft costs nothing while idle.
        let blink = ui.visuals().text_cursor.blink;
        if text.len() > CHUNKED_LAYOUT_MIN {
            ui.visuals_mut().text_cursor.blink = false;
        }
        let output = egui::TextEdit::multiline(text)
            .id(id)
            .code_editor()
            .lock_focus(!self.tab_moves_on)
            .desired_rows(rows)
            .desired_width(f32::INFINITY)
            .hint_text(match format {
                Syntax::JavaScript => "ws.on(\"message\", (msg) => { … })",
                Syntax::Message(_) => "Type a message to send",
            })
            .layouter(&mut layouter)
            .show(ui);
        ui.visuals_mut().text_cursor.blink = blink;
        let response = output.response.response.clone().accessible_name(name);
        if let Some(hover) = var_hover(&output, text, vars, HIGHLIGHT_LIMIT) {
            response.clone().on_hover_text(hover);
        }
        if escaped {
            response.request_focus();
        }
        if response.changed() || (!escaped && !response.has_focus()) {
            self.tab_moves_on = false;
        }
        self.had_focus = response.has_focus() || escaped;
        output
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_gets_several_colours() {
        let job = highlight(
            "{\"a\": 1, \"b\": true}",
            MessageFormat::Json,
            true,
            FontId::monospace(12.0),
            Color32::WHITE,
            &VarContext::default(),
        );
        assert_eq!(job.text, "{\"a\": 1, \"b\": true}");
        let colours: std::collections::HashSet<_> =
            job.sections.iter().map(|s| s.format.color).collect();
        assert!(colours.len() >= 2, "{colours:?}");
    }

    #[test]
    fn variables_keep_their_colour_inside_json() {
        let text = "{\"t\": \"<<token>>\", \"u\": <<nope>>}";
        let vars = VarContext::new(vec![crate::model::Variable::new("token", "x")]);
        let job = highlight(
            text,
            MessageFormat::Json,
            true,
            FontId::monospace(12.0),
            Color32::WHITE,
            &vars,
        );
        assert_eq!(job.text, text);
        let (defined, undefined) = var_colors(true);
        let colour_of = |needle: &str| {
            let at = text.find(needle).unwrap();
            job.sections
                .iter()
                .find(|s| s.byte_range.start.0 <= at && at < s.byte_range.end.0)
                .map(|s| s.format.color)
        };
        assert_eq!(colour_of("<<token>>"), Some(defined));
        assert_eq!(colour_of("<<nope>>"), Some(undefined));
    }

    fn lines(n: usize) -> String {
        (0..n)
            .map(|i| format!("  {{\"id\": {i}, \"name\": \"sensor-{i}\"}},\n"))
            .collect()
    }

    #[test]
    fn an_edit_moves_only_the_chunk_it_is_in() {
        let text = lines(5_000);
        let ends = chunk_ends(&text);
        assert!(ends.len() > 10, "{}", ends.len());
        assert!(ends.iter().all(|&e| text.as_bytes()[e] == b'\n'));
        let mut edited = text.clone();
        let at = text.len() / 2;
        edited.insert_str(at, "xyz\n");
        let after = chunk_ends(&edited);
        let chunks = |t: &str, ends: &[usize]| -> std::collections::HashSet<String> {
            let mut start = 0;
            let mut out = std::collections::HashSet::new();
            for &e in ends {
                out.insert(t[start..e].to_owned());
                start = e + 1;
            }
            out.insert(t[start..].to_owned());
            out
        };
        let (old, new) = (chunks(&text, &ends), chunks(&edited, &after));
        let changed = new.difference(&old).count();
        assert!(changed <= 2, "{changed} of {} chunks changed", new.len());
    }

    #[test]
    fn chunked_layout_equals_egui_layout() {
        let ctx = egui::Context::default();
        let text = lines(6_000) + "tail without newline";
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let font = FontId::monospace(12.0);
            let mut job = LayoutJob::simple(text.clone(), font, Color32::WHITE, 300.0);
            job.wrap.max_width = 300.0;
            let whole = ui.fonts_mut(|f| f.layout_job(job.clone()));
            let mut chunks = HashMap::new();
            let chunked = chunked_layout(ui, Arc::new(job.clone()), &mut chunks);
            assert!(chunks.len() > 10);
            assert_eq!(chunked.text(), whole.text());
            assert_eq!(chunked.rows.len(), whole.rows.len());
            assert_eq!(chunked.size(), whole.size());
            let last = whole.rows.len() - 1;
            assert_eq!(chunked.rows[last].pos, whole.rows[last].pos);
            // Laid out again unchanged: every chunk comes from the cache.
            let before: Vec<_> = chunks.values().map(Arc::as_ptr).collect();
            let _ = chunked_layout(ui, Arc::new(job), &mut chunks);
            assert!(chunks.values().all(|g| before.contains(&Arc::as_ptr(g))));

            // Highlighted (many sections): the same rows with the same colours.
            let mut job = highlight(
                &lines(3_000),
                MessageFormat::Json,
                true,
                FontId::monospace(12.0),
                Color32::WHITE,
                &VarContext::default(),
            );
            assert!(job.text.len() > CHUNKED_LAYOUT_MIN && job.sections.len() > 1000);
            job.wrap.max_width = 300.0;
            let whole = ui.fonts_mut(|f| f.layout_job(job.clone()));
            let chunked = chunked_layout(ui, Arc::new(job), &mut HashMap::new());
            assert_eq!(chunked.rows.len(), whole.rows.len());
            for (a, b) in chunked.rows.iter().zip(&whole.rows) {
                let colours = |r: &egui::epaint::text::PlacedRow| -> Vec<Color32> {
                    r.visuals.mesh.vertices.iter().map(|v| v.color).collect()
                };
                assert_eq!(colours(a), colours(b));
                assert_eq!(a.pos, b.pos);
            }
        });
        output.textures_delta.clear();
    }

    #[test]
    fn incremental_colours_equal_a_fresh_highlight_after_edits() {
        let base = lines(300).replace("\"name\"", "\"na<<me>>\"");
        let mut colours = LineColours::default();
        let vars = VarContext::default();
        let job = |text: &str, colours: &mut LineColours| {
            highlight_incremental(
                text,
                MessageFormat::Json.into(),
                true,
                FontId::monospace(12.0),
                Color32::WHITE,
                &vars,
                colours,
            )
        };
        let sections = |j: &LayoutJob| -> Vec<_> {
            j.sections
                .iter()
                .map(|s| (s.byte_range.clone(), s.format.color, s.format.background))
                .collect()
        };
        let mid = base.len() / 2;
        let mid = (0..=mid).rev().find(|&i| base.is_char_boundary(i)).unwrap();
        let edits: Vec<String> = vec![
            base.clone(),
            format!("{}x{}", &base[..mid], &base[mid..]),
            // An opening quote changes how everything after it parses.
            format!("{}\"{}", &base[..mid], &base[mid..]),
            format!("{}\n  {{\"new\": [1, 2]}},{}", &base[..mid], &base[mid..]),
            base[..base.len() - 40].to_owned(),
            format!("{base}  {{\"more\": true}}\n"),
            format!("[\n{base}"),
            base.replace("sensor-1", "SENSOR"),
            String::new(),
            base.clone(),
        ];
        for (i, text) in edits.iter().enumerate() {
            let incremental = job(text, &mut colours);
            let fresh = job(text, &mut LineColours::default());
            assert_eq!(incremental.text, *text, "edit {i}");
            assert_eq!(sections(&incremental), sections(&fresh), "edit {i}");
        }
    }
}
