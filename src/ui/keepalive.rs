//! Settings → Keep-alive: *Ping every*, *Pong timeout* and *Answer pings automatically* (the
//! engine's `keepalive.rs` does the work; locked while connected like the other connection
//! settings), and *Show ping/pong events*, a view setting that applies at once.

use egui::Ui;

use crate::model::ConnectionSettings;

/// The Keep-alive section of the Settings tab. `locked` while a connection is active.
pub fn keepalive_settings(ui: &mut Ui, s: &mut ConnectionSettings, locked: bool) {
    ui.strong("Keep-alive");
    ui.add_enabled_ui(!locked, |ui| {
        egui::Grid::new("keepalive_grid")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .min_col_width(150.0)
            .show(ui, |ui| {
                ms_field(
                    ui,
                    "Ping every (ms)",
                    &mut s.ping_interval_ms,
                    "off",
                    "Send a ping this often while connected; 0 turns it off",
                );
                ms_field(
                    ui,
                    "Pong timeout (ms)",
                    &mut s.pong_timeout_ms,
                    "never",
                    "A ping of ours (keep-alive or the Ping button) without a pong this long \
                     means the connection is dead: it is dropped and ends as 1006, then \
                     reconnects if reconnects are set. 0: wait forever",
                );

                let l = ui.label("Answer pings automatically");
                ui.checkbox(&mut s.auto_pong, "").labelled_by(l.id);
                ui.end_row();
            });
        if !s.auto_pong {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "⚠ The server's pings go unanswered: it may drop the connection.",
            );
        }
    });
    // A view setting: it applies at once, also while connected.
    ui.checkbox(&mut s.show_ping_pong, "Show ping/pong events")
        .on_hover_text("Off: pings and pongs are still logged and exported, just not listed");
}

/// One grid row: a label, a milliseconds field, and `zero` beside it when it is 0.
fn ms_field(ui: &mut Ui, label: &str, value: &mut u64, zero: &str, hover: &str) {
    let l = ui.label(label);
    ui.horizontal(|ui| {
        ui.add(egui::DragValue::new(value).range(0..=3_600_000).speed(100))
            .labelled_by(l.id)
            .on_hover_text(hover);
        if *value == 0 {
            ui.weak(zero);
        }
    });
    ui.end_row();
}
