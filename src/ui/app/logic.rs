//! The logic step: everything a frame does that is not drawing. eframe calls it before every
//! frame and also while the window is hidden (minimized), so sessions keep being read and
//! saves keep happening when nothing is shown.
//!
//! In order, within one [`FrameBudget`]: take engine events and route them, send the
//! heartbeats that are due, bring the selected request's filtered list up to date, move background jobs on, autosave
//! (debounced), hold back a close while the workspace cannot be saved, set the title.

use std::time::{Duration, Instant};

use crate::ui::budget::FrameBudget;
use crate::ui::style::setup_style;

use super::App;
use super::saver::SAVE_DEBOUNCE;

impl App {
    /// One logic step (no drawing). The window runs it from `eframe::App::logic`; [`App::ui`]
    /// runs it before drawing, so tests driving `ui` get whole frames.
    pub fn logic(&mut self, ctx: &egui::Context) {
        if !self.style_set {
            setup_style(ctx);
            self.style_set = true;
        }
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
        let budget = FrameBudget::new();
        self.drain_events(ctx, &budget);
        self.poll_scripts(ctx);
        self.run_heartbeats(ctx);
        if let Some(id) = self.workspace.selected_request.as_ref()
            && let Some(rs) = self.sessions.get_mut(id)
        {
            let request = self.workspace.request(id);
            rs.view.show_ping_pong = request.is_none_or(|r| r.settings.show_ping_pong);
            rs.view.socketio_request = request.is_some_and(|r| r.kind.is_socketio());
            if !rs.view.socketio_request {
                rs.view.event_names.clear();
            }
            rs.view.refresh_within(&rs.log, &budget);
            if rs.view.filtering_progress(&rs.log).is_some() || rs.view.behind(&rs.log) {
                ctx.request_repaint();
            }
        }
        self.poll_transfer(ctx);
        self.composer.poll_jobs(ctx);
        for rs in self.sessions.values_mut() {
            rs.view.poll_jobs(Some(ctx), &rs.log);
        }
        self.autosave(ctx);
        self.hold_close_if_unsaved(ctx);
        self.update_title(ctx);
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        self.collect_save_results();
        if self.workspace != self.last_seen {
            self.last_seen = self.workspace.clone();
            self.last_change = Some(Instant::now());
        }
        if let Some(changed_at) = self.last_change {
            let waited = changed_at.elapsed();
            if waited >= SAVE_DEBOUNCE {
                self.last_change = None;
                if self.workspace != self.last_saved {
                    self.saver.save(&self.workspace);
                    self.last_saved = self.workspace.clone();
                }
            } else {
                ctx.request_repaint_after(SAVE_DEBOUNCE - waited);
            }
        }
    }

    /// Saves now and waits for the disk (on exit, and for tests).
    pub fn save_now(&mut self) {
        if self.workspace != self.last_saved {
            self.saver.save(&self.workspace);
            self.last_saved = self.workspace.clone();
        }
        self.saver.flush();
        self.collect_save_results();
    }

    fn collect_save_results(&mut self) {
        while let Ok(result) = self.saver.errors.try_recv() {
            self.save_error = result.err();
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        // The reconnect countdown ticks.
        if self.sessions.values().any(|s| s.reconnect_at.is_some()) {
            ctx.request_repaint_after(Duration::from_millis(250));
        }
    }
}
