//! The file dialog inside the window: used whenever the desktop's own dialog cannot open (no
//! portal, no GTK or zenity, a minimal window manager, a remote session, Xvfb), or when
//! `WSPROBE_FILE_DIALOG=builtin` asks for it.
//!
//! The contract:
//! - [`super::jobs::FileDialog`] queues a [`PromptRequest`] on the window's context instead of
//!   (or after) the native dialog; the answer goes back through the same channel, so callers
//!   (Import…, Export…, Save…, Send file…, Browse…) cannot tell which dialog answered.
//! - The native dialog counts as failed when it answers "cancelled" sooner than a person
//!   could ([`NO_DIALOG_WITHIN`]): then this one opens at once.
//! - [`PathPrompt::ui`] shows the first queued request as a modal: a path field, the folder's
//!   entries (folders first; files filtered by the dialog's extensions), Up, and Open/Save or
//!   Cancel. Enter confirms, Escape cancels. Open needs an existing file; Save needs an
//!   existing folder (an existing file is replaced, and says so).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// A native dialog that says "cancelled" this soon never showed (no person is that fast).
pub const NO_DIALOG_WITHIN: Duration = Duration::from_millis(300);

/// Entries listed per folder, at most.
const MAX_ENTRIES: usize = 2000;

/// One question for the built-in dialog.
pub struct PromptRequest {
    pub title: String,
    /// Save (a new or replaced file) rather than Open (an existing file).
    pub save: bool,
    pub filters: Vec<(String, Vec<String>)>,
    pub file_name: Option<String>,
    pub answer: mpsc::Sender<Option<PathBuf>>,
}

type Queue = Arc<Mutex<VecDeque<PromptRequest>>>;

fn queue_id() -> egui::Id {
    egui::Id::unique("wsprobe_path_prompts")
}

fn force_id() -> egui::Id {
    egui::Id::unique("wsprobe_builtin_file_dialog")
}

fn queue(ctx: &egui::Context) -> Queue {
    ctx.data_mut(|d| d.get_temp_mut_or_default::<Queue>(queue_id()).clone())
}

/// Asks the built-in dialog (of this window) the question, and wakes the window.
pub fn ask(ctx: &egui::Context, request: PromptRequest) {
    if let Ok(mut q) = queue(ctx).lock() {
        q.push_back(request);
    }
    ctx.request_repaint();
}

/// Uses the built-in dialog for this window from now on (or not). Tests use it; users set
/// `WSPROBE_FILE_DIALOG=builtin`.
pub fn set_builtin(ctx: &egui::Context, builtin: bool) {
    ctx.data_mut(|d| d.insert_temp(force_id(), builtin));
}

/// Whether the native dialog is skipped: asked for, or known not to be there.
pub fn builtin_wanted(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(force_id()))
        .unwrap_or(false)
        || std::env::var("WSPROBE_FILE_DIALOG").is_ok_and(|v| v.eq_ignore_ascii_case("builtin"))
        || native_unavailable()
}

/// On Linux and the BSDs the native dialog needs the session's D-Bus (the portal) or zenity
/// started from it; without a session bus it can never open.
fn native_unavailable() -> bool {
    cfg!(all(unix, not(target_os = "macos")))
        && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
}

/// The built-in dialog's state: the request being answered and what the user typed.
#[derive(Default)]
pub struct PathPrompt {
    current: Option<PromptRequest>,
    path: String,
    /// The folder listed, and its entries (name, is a folder).
    listed: Option<(PathBuf, Vec<(String, bool)>)>,
    error: Option<String>,
    focus: bool,
}

impl PathPrompt {
    /// Whether a question is being shown.
    pub fn is_open(&self) -> bool {
        self.current.is_some()
    }

    /// Shows the first queued question, if any.
    pub fn ui(&mut self, ctx: &egui::Context) {
        if self.current.is_none() {
            let next = queue(ctx).lock().ok().and_then(|mut q| q.pop_front());
            let Some(request) = next else { return };
            let start = start_folder();
            self.path = match &request.file_name {
                Some(name) => start.join(name).display().to_string(),
                None => with_separator(&start),
            };
            self.listed = None;
            self.error = None;
            self.focus = true;
            self.current = Some(request);
        }
        let Some(request) = &self.current else { return };
        let (title, save) = (request.title.clone(), request.save);
        let filters = request.filters.clone();
        let mut answer: Option<Option<PathBuf>> = None;
        let modal = egui::Modal::new(egui::Id::unique("path_prompt")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.strong(&title);
            ui.add_space(4.0);
            let folder = folder_of(&self.path);
            if self.listed.as_ref().is_none_or(|(f, _)| *f != folder) {
                self.listed = Some((folder.clone(), list(&folder, &filters)));
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(folder.parent().is_some(), egui::Button::new("⬆ Up"))
                    .on_hover_text("The folder above")
                    .clicked()
                    && let Some(parent) = folder.parent()
                {
                    self.path = with_separator(parent);
                }
                ui.add(egui::Label::new(folder.display().to_string()).truncate())
                    .on_hover_text(folder.display().to_string());
            });
            let entries = self
                .listed
                .as_ref()
                .map(|(_, e)| e.clone())
                .unwrap_or_default();
            egui::ScrollArea::vertical()
                .max_height(260.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if entries.is_empty() {
                        ui.weak("(nothing here)");
                    }
                    for (name, is_dir) in &entries {
                        let text = if *is_dir {
                            format!("📁 {name}")
                        } else {
                            format!("📄 {name}")
                        };
                        let chosen = folder.join(name);
                        let response = ui.add(egui::Button::selectable(
                            Path::new(&self.path) == chosen,
                            text,
                        ));
                        if response.clicked() {
                            self.error = None;
                            if *is_dir {
                                self.path = with_separator(&chosen);
                            } else {
                                self.path = chosen.display().to_string();
                            }
                        }
                        if response.double_clicked() && !is_dir {
                            match check(&chosen, save) {
                                Ok(path) => answer = Some(Some(path)),
                                Err(e) => self.error = Some(e),
                            }
                        }
                    }
                });
            ui.add_space(4.0);
            let label = ui.label("File path");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.path).desired_width(f32::INFINITY))
                .labelled_by(label.id);
            if std::mem::take(&mut self.focus) {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let path = PathBuf::from(self.path.trim());
            if save && path.is_file() {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "This file exists: saving replaces it.",
                );
            }
            if let Some(error) = &self.error {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
            }
            ui.horizontal(|ui| {
                let confirm = if save { "Save" } else { "Open" };
                if ui.button(confirm).clicked() || entered {
                    match check(&path, save) {
                        Ok(path) => answer = Some(Some(path)),
                        Err(e) => self.error = Some(e),
                    }
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(None);
                }
            });
        });
        if modal.should_close() && answer.is_none() {
            answer = Some(None);
        }
        if let Some(answer) = answer
            && let Some(request) = self.current.take()
        {
            let _ = request.answer.send(answer);
            ctx.request_repaint();
        }
    }
}

/// Where the dialog starts: the home folder, else the current one.
fn start_folder() -> PathBuf {
    directories::UserDirs::new()
        .map(|d| d.home_dir().to_owned())
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"))
}

fn with_separator(folder: &Path) -> String {
    let mut text = folder.display().to_string();
    if !text.ends_with(std::path::MAIN_SEPARATOR) {
        text.push(std::path::MAIN_SEPARATOR);
    }
    text
}

/// The folder the typed path is in (the path itself when it names a folder).
fn folder_of(typed: &str) -> PathBuf {
    let path = PathBuf::from(typed.trim());
    if typed.ends_with(std::path::MAIN_SEPARATOR) || path.is_dir() {
        return path;
    }
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(start_folder, Path::to_owned)
}

/// The folder's entries: folders first, then files the filters allow, each sorted by name;
/// hidden ones left out.
fn list(folder: &Path, filters: &[(String, Vec<String>)]) -> Vec<(String, bool)> {
    let Ok(read) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let allowed = |name: &str| {
        filters.is_empty()
            || filters.iter().any(|(_, exts)| {
                exts.iter().any(|e| {
                    e == "*"
                        || Path::new(name)
                            .extension()
                            .is_some_and(|x| x.eq_ignore_ascii_case(e.as_str()))
                })
            })
    };
    let mut entries: Vec<(String, bool)> = read
        .filter_map(Result::ok)
        .take(MAX_ENTRIES)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.path().is_dir();
            (!name.starts_with('.') && (is_dir || allowed(&name))).then_some((name, is_dir))
        })
        .collect();
    entries.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.to_lowercase().cmp(&b.0.to_lowercase()))
    });
    entries
}

/// The path, if it can be used: Open needs a file, Save a folder to write in.
fn check(path: &Path, save: bool) -> Result<PathBuf, String> {
    if path.as_os_str().is_empty() {
        return Err("Type a file path, or pick a file above".to_owned());
    }
    if path.is_dir() {
        return Err(format!("{} is a folder: pick a file in it", path.display()));
    }
    if save {
        match path.parent() {
            Some(parent) if parent.as_os_str().is_empty() || parent.is_dir() => Ok(path.to_owned()),
            _ => Err(format!(
                "No folder {}",
                path.parent().unwrap_or(path).display()
            )),
        }
    } else if path.is_file() {
        Ok(path.to_owned())
    } else {
        Err(format!("No file {}", path.display()))
    }
}
