//! A multi-line code editor with syntect highlighting for JSON, XML and HTML.
//!
//! Highlighting the whole text on every keystroke would be slow for big bodies, so the
//! highlighted LayoutJob is cached per (text hash, format, theme) and only rebuilt when one
//! of those changes. Very large texts are shown plain.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use egui::text::LayoutJob;
use egui::{Color32, FontId, Galley, TextFormat, Ui};
use syntect::easy::HighlightLines;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::template_field::{VarContext, highlight_job, var_colors, var_spans};
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

/// Highlights `text` as `format` (JSON/XML/HTML); other formats get `<<var>>` colouring only.
pub fn highlight(
    text: &str,
    format: MessageFormat,
    dark: bool,
    font: FontId,
    text_color: Color32,
    vars: &VarContext,
) -> LayoutJob {
    let extension = match format {
        MessageFormat::Json => "json",
        MessageFormat::Xml => "xml",
        MessageFormat::Html => "html",
        _ => return highlight_job(text, vars, font, text_color, dark),
    };
    if text.len() > HIGHLIGHT_LIMIT {
        return LayoutJob::simple(text.to_owned(), font, text_color, f32::INFINITY);
    }
    let s = syntect();
    let Some(syntax) = s.syntaxes.find_syntax_by_extension(extension).or_else(|| {
        (extension == "json")
            .then(|| s.syntaxes.find_syntax_by_extension("js"))
            .flatten()
    }) else {
        return highlight_job(text, vars, font, text_color, dark);
    };
    let theme = if dark { &s.dark } else { &s.light };
    let mut lines = HighlightLines::new(syntax, theme);
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
    for line in LinesWithEndings::from(text) {
        match lines.highlight_line(line, &s.syntaxes) {
            Ok(ranges) => {
                for (style, piece) in ranges {
                    let c = style.foreground;
                    let color = if c.a == 0 {
                        text_color
                    } else {
                        Color32::from_rgb(c.r, c.g, c.b)
                    };
                    append(&mut job, piece, color, &mut offset);
                }
            }
            Err(_) => append(&mut job, line, text_color, &mut offset),
        }
    }
    job
}

/// Editor state kept across frames: the cached highlighted layout.
#[derive(Default)]
pub struct CodeEditor {
    cache: Option<(u64, LayoutJob)>,
}

impl CodeEditor {
    /// Shows the editor; returns the TextEdit output. `name` is the accessible name.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        text: &mut String,
        format: MessageFormat,
        vars: &VarContext,
        name: &str,
        rows: usize,
    ) -> egui::text_edit::TextEditOutput {
        let dark = ui.visuals().dark_mode;
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let text_color = ui.visuals().text_color();
        let cache = &mut self.cache;
        let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap_width: f32| -> Arc<Galley> {
            let text = buf.as_str();
            let mut hasher = DefaultHasher::new();
            text.hash(&mut hasher);
            format.hash(&mut hasher);
            dark.hash(&mut hasher);
            // Which variables exist decides their colour.
            for name in vars.names() {
                name.hash(&mut hasher);
            }
            let key = hasher.finish();
            let job = match cache {
                Some((k, job)) if *k == key => job.clone(),
                _ => {
                    let job = highlight(text, format, dark, font.clone(), text_color, vars);
                    *cache = Some((key, job.clone()));
                    job
                }
            };
            let mut job = job;
            job.wrap.max_width = wrap_width;
            ui.fonts_mut(|f| f.layout_job(job))
        };
        let output = egui::TextEdit::multiline(text)
            .code_editor()
            .desired_rows(rows)
            .desired_width(f32::INFINITY)
            .hint_text("Type a message to send")
            .layouter(&mut layouter)
            .show(ui);
        output.response.response.clone().accessible_name(name);
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
}
