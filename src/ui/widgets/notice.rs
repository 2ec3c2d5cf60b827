//! The one notice of the app: an outcome worth a line (an export written, a copy made, a
//! file that could not be saved), with its level, and the widget that shows it.

use egui::Ui;

/// How a notice reads: plain information, a success, or an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Success,
    Error,
}

/// An outcome shown to the user, e.g. "Exported 12 events to /tmp/events.jsonl".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: NoticeLevel,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            level: NoticeLevel::Info,
            text: text.into(),
        }
    }

    pub fn success(text: impl Into<String>) -> Self {
        Self {
            level: NoticeLevel::Success,
            text: text.into(),
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self {
            level: NoticeLevel::Error,
            text: text.into(),
        }
    }

    /// A success or an error, from a result whose both sides are the words to show.
    pub fn from_result(result: Result<String, String>) -> Self {
        match result {
            Ok(text) => Self::success(text),
            Err(text) => Self::error(text),
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == NoticeLevel::Error
    }

    /// Draws the notice on the current line: info weak, success with ✔, errors with ⚠ in the
    /// error colour. With `dismiss` (the × button's accessible name) returns whether it was
    /// clicked.
    pub fn ui(&self, ui: &mut Ui, dismiss: Option<&str>) -> bool {
        match self.level {
            NoticeLevel::Info => {
                ui.weak(&self.text);
            }
            NoticeLevel::Success => {
                ui.label(format!("✔ {}", self.text));
            }
            NoticeLevel::Error => {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {}", self.text));
            }
        }
        dismiss.is_some_and(|name| {
            ui.small_button("×")
                .on_hover_text("Dismiss")
                .accessible_name(name)
                .clicked()
        })
    }
}
