//! The toolbar of the events panel: the search box and its modes, the direction filter,
//! "N events (M shown)", filtering progress, dropped count, rate plot, follow newest and its
//! "↑ N new" badge, Export (JSON Lines or HAR, written by a background job) and Clear.

use std::path::Path;

use egui::Ui;

use super::EventsView;
use super::rows::row_colors;
use crate::export::ExportFormat;
use crate::log::{DirectionFilter, EventLog, SearchMode};
use crate::ui::jobs::{FileDialog, Job, Poll, Task, poll_notice_task};
use crate::ui::message_check::thousands;
use crate::ui::widgets::{Notice, VarContext};

impl EventsView {
    pub(super) fn toolbar(&mut self, ui: &mut Ui, log: &mut EventLog, vars: &VarContext) {
        // Wrapped: a narrow panel puts the filters on a second line instead of growing wider
        // than it was made (which would squeeze the composer beside it).
        ui.horizontal_wrapped(|ui| {
            let hint = match self.mode {
                SearchMode::Text => "🔍 Search events",
                SearchMode::Regex => "🔍 Regex, e.g. temp.*20\\d\\d",
                SearchMode::Json => "🔍 JSON filter, e.g. r=sensors",
            };
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    // Ctrl+F focuses this field by id (see ui::commands).
                    .id(egui::Id::unique(crate::ui::commands::EVENT_SEARCH_ID))
                    .hint_text(hint)
                    .desired_width(170.0),
            )
            .accessible_name("Search events");
            ui.spacing_mut().item_spacing.x = 2.0;
            for mode in SearchMode::ALL {
                let name = match mode {
                    SearchMode::Text => "Text search",
                    SearchMode::Regex => "Regex search",
                    SearchMode::Json => "JSON filter",
                };
                ui.selectable_value(
                    &mut self.mode,
                    mode,
                    egui::RichText::new(mode.label()).monospace(),
                )
                .on_hover_text(mode.description())
                .accessible_name(name);
            }
            ui.add_space(6.0);
            for d in DirectionFilter::ALL {
                let response = ui.selectable_value(&mut self.direction, d, d.label());
                if d == DirectionFilter::Script {
                    // Not to be confused with the request's Script tab.
                    response
                        .accessible_name("Script lines")
                        .on_hover_text("Console lines and errors from the request's script");
                }
            }
        });
        if let Some(err) = &self.filter_error {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {err}"));
        }
        self.socketio_bar(ui);
        // Export and Clear keep their place at the right of the first line; the counts, the
        // plot and Follow wrap in the width left (6-digit counts used to push Clear onto a
        // line of its own).
        let total = log.len();
        // One line tall to start with (as horizontal_wrapped is), growing when the left part
        // wraps; a plain with_layout would take the whole panel's height.
        let line = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
        let right_to_left = egui::Layout::right_to_left(egui::Align::Min);
        ui.allocate_ui_with_layout(line, right_to_left, |ui| {
            if ui
                .add_enabled(total > 0, egui::Button::new("Clear"))
                .on_hover_text("Remove every event from the list")
                .clicked()
            {
                log.clear();
                self.socketio.clear();
                self.event_names.clear();
                self.selected = None;
                self.ticked.clear();
                self.refresh(log);
            }
            self.export_menu(ui, log, vars);
            let rest = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
            ui.allocate_ui_with_layout(
                rest,
                egui::Layout::left_to_right(egui::Align::Center).with_main_wrap(true),
                |ui| {
                    ui.label(format!(
                        "{} events ({} shown)",
                        thousands(total),
                        thousands(self.shown.len())
                    ));
                    if let Some(done) = self.filtering_progress(log) {
                        ui.spinner();
                        ui.weak(format!("filtering… {:.0}%", done * 100.0));
                    }
                    if log.dropped() > 0 {
                        ui.weak(format!(
                            "· {} oldest dropped",
                            thousands(log.dropped() as usize)
                        ))
                        .on_hover_text(format!(
                            "The log keeps the newest {} events and at most about {} MiB \
                                 (Settings: Keep newest events, Events log memory)",
                            log.max_events(),
                            log.max_bytes() / (1024 * 1024)
                        ));
                    }
                    let (received, sent) = row_colors(ui.visuals().dark_mode);
                    self.rates.ui(ui, received, sent);
                    if ui
                        .toggle_value(&mut self.follow, "Follow newest")
                        .on_hover_text(
                            "Keep the newest event in view; off: new events don't move the list",
                        )
                        .changed()
                        && self.follow
                    {
                        self.unseen = 0;
                        self.jump_to_newest = true;
                    }
                    if !self.follow && self.unseen > 0 {
                        let badge = egui::Button::new(
                            egui::RichText::new(format!("↑ {} new", self.unseen))
                                .color(ui.visuals().selection.stroke.color)
                                .strong(),
                        )
                        .fill(ui.visuals().selection.bg_fill);
                        if ui
                            .add(badge)
                            .on_hover_text("Events that arrived while not following: show them")
                            .clicked()
                        {
                            self.follow = true;
                            self.unseen = 0;
                            self.jump_to_newest = true;
                        }
                    }
                },
            );
        });
        // A line of its own that is always there: ticking must not move the rows (the
        // second tick would land on the wrong one).
        if !log.is_empty() {
            ui.horizontal(|ui| {
                ui.set_min_height(ui.spacing().interact_size.y);
                self.ticks_ui(ui, log);
            });
        }
        if let Some(export) = &self.export {
            ui.horizontal(|ui| export.ui(ui));
        } else if let Some(notice) = &self.notice {
            let dismissed = ui
                .horizontal(|ui| notice.ui(ui, Some("Dismiss export note")))
                .inner;
            if dismissed {
                self.notice = None;
            }
        }
    }

    /// The time between two ticked events, or the hint after the first tick.
    fn ticks_ui(&mut self, ui: &mut Ui, log: &EventLog) {
        if self.ticked.len() == 2
            && let Some(ms) = self.ticked_difference_ms(log)
        {
            let seconds = if ms >= 1000 {
                format!(" ({:.3} s)", ms as f64 / 1000.0)
            } else {
                String::new()
            };
            ui.label(
                egui::RichText::new(format!("Δ {ms} ms{seconds} between the ticked events"))
                    .strong(),
            );
            if ui.small_button("Untick").clicked() {
                self.ticked.clear();
            }
        } else if self.ticked.len() == 1 {
            ui.weak("Tick a second event to see the time between them");
        } else {
            ui.weak("Tick two events to see the time between them");
        }
    }

    fn export_menu(&mut self, ui: &mut Ui, log: &EventLog, vars: &VarContext) {
        let idle = self.export.is_none() && self.export_dialog.is_none();
        ui.add_enabled_ui(!log.is_empty() && idle, |ui| {
            ui.menu_button("Export", |ui| {
                let jsonl = ui
                    .button("JSON Lines…")
                    .on_hover_text("One JSON object per event, as `wsprobe run --output jsonl`")
                    .clicked();
                let har = ui
                    .button("HAR 1.2…")
                    .on_hover_text(
                        "HTTP Archive with _webSocketMessages, as Chrome DevTools writes",
                    )
                    .clicked();
                ui.separator();
                ui.checkbox(&mut self.export_reveal, "Include credentials and secrets")
                    .on_hover_text(
                        "Off: Authorization, cookies and secret variable values are written as ***",
                    );
                let format = if jsonl {
                    ExportFormat::JsonLines
                } else if har {
                    ExportFormat::Har
                } else {
                    return;
                };
                self.export_with_dialog(ui.ctx(), format, vars);
            });
        });
    }

    /// Export (JSON Lines or HAR) through the save dialog, as the Export menu does; the
    /// palette runs it too. Does nothing (and returns false) with no events or while an
    /// export or its dialog is under way.
    pub fn export_with_dialog(
        &mut self,
        ctx: &egui::Context,
        format: ExportFormat,
        vars: &VarContext,
    ) -> bool {
        if self.export.is_some() || self.export_dialog.is_some() {
            return false;
        }
        let (ext, name) = format.file_name();
        let dialog = FileDialog::new("Export events")
            .filter(ext, &[ext])
            .file_name(name)
            .save_file(Some(ctx));
        // Only now, on export, are the secret values gathered; the log is copied when
        // the path is chosen (see `poll_jobs`), so events that arrive while the dialog
        // is open are exported too.
        self.export_dialog = Some((dialog, format, vars.secret_values()));
        true
    }

    /// What the Export menu does once a path is chosen: the events are written by a
    /// background job (a spinner shows meanwhile, the outcome is the panel's notice; see
    /// [`Self::poll_jobs`]). Returns false if an export is already running.
    pub fn start_export(
        &mut self,
        path: &Path,
        format: ExportFormat,
        log: &EventLog,
        secrets: &[String],
    ) -> bool {
        self.start_export_gated(path, format, log, secrets, None)
    }

    /// [`Self::start_export`] whose writer waits for `gate` first (tests see the running
    /// state deterministically).
    #[doc(hidden)]
    pub fn start_export_gated(
        &mut self,
        path: &Path,
        format: ExportFormat,
        log: &EventLog,
        secrets: &[String],
        gate: Option<std::sync::mpsc::Receiver<()>>,
    ) -> bool {
        self.begin_export(path, format, log, secrets, None, gate)
    }

    fn begin_export(
        &mut self,
        path: &Path,
        format: ExportFormat,
        log: &EventLog,
        secrets: &[String],
        ctx: Option<&egui::Context>,
        gate: Option<std::sync::mpsc::Receiver<()>>,
    ) -> bool {
        if self.export.is_some() {
            return false;
        }
        // A copy of the log (the payloads are shared, not copied) for the writer's thread.
        let job = export_job(
            path.to_owned(),
            format,
            log.clone(),
            secrets.to_vec(),
            self.export_reveal,
            ctx,
            gate,
        );
        self.notice = None;
        self.export = Some(Task::Working(job));
        true
    }

    /// "Exporting to events.jsonl…" while an export runs.
    pub fn exporting(&self) -> Option<&str> {
        self.export.as_ref().and_then(Task::busy)
    }

    /// The outcome of the last export (or other file work of this panel).
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// Moves the panel's background jobs on (the export, the detail's Save…); called once per
    /// frame by the app's logic step, also while the window is hidden.
    pub fn poll_jobs(&mut self, ctx: Option<&egui::Context>, log: &EventLog) {
        self.detail.poll_jobs(ctx);
        if let Some((dialog, format, secrets)) = self.export_dialog.take() {
            match dialog.poll(ctx) {
                Poll::Running => self.export_dialog = Some((dialog, format, secrets)),
                Poll::Done(Some(path)) => {
                    self.begin_export(&path, format, log, &secrets, ctx, None);
                }
                // Cancelled, or no dialog could open: nothing to do.
                Poll::Done(None) | Poll::Lost => {}
            }
        }
        if let Some(notice) = poll_notice_task(&mut self.export, ctx) {
            self.notice = Some(notice);
        }
    }

    /// Writes the events now, on this thread (tests call it with a temp path; the window
    /// uses [`Self::start_export`]).
    pub fn export_to(
        &mut self,
        path: &Path,
        format: ExportFormat,
        log: &EventLog,
        secrets: &[String],
    ) {
        let events = log.iter().map(|(_, e)| e);
        self.notice = Some(write_events(
            path,
            format,
            events,
            secrets.to_vec(),
            self.export_reveal,
        ));
    }

    /// Whether exports include credentials and secret values (off by default).
    pub fn set_export_reveal(&mut self, reveal: bool) {
        self.export_reveal = reveal;
    }
}

/// The job that writes `log` to `path` (counting the events written as its progress).
fn export_job(
    path: std::path::PathBuf,
    format: ExportFormat,
    log: EventLog,
    secrets: Vec<String>,
    reveal: bool,
    ctx: Option<&egui::Context>,
    gate: Option<std::sync::mpsc::Receiver<()>>,
) -> Job<Notice> {
    let label = format!("Exporting to {}…", crate::ui::text::file_name(&path));
    Job::spawn_gated(label, ctx, gate, move |progress| {
        progress.set_total(log.len() as u64);
        let events = log.iter().map(|(_, e)| {
            progress.add(1);
            e
        });
        write_events(&path, format, events, secrets, reveal)
    })
}

/// Writes `events` and says how it went: "Exported 12 events to …" or why it could not.
fn write_events<'a>(
    path: &Path,
    format: ExportFormat,
    events: impl IntoIterator<Item = &'a crate::engine::Event>,
    secrets: Vec<String>,
    reveal: bool,
) -> Notice {
    Notice::from_result(
        format
            .write(path, events, secrets, reveal)
            .map(|what| format!("Exported {what} to {}", path.display()))
            .map_err(|e| format!("Could not export to {}: {e}", path.display())),
    )
}
