//! The Heartbeat row of the Message tab: repeat the draft or a saved message every N ms while
//! connected, with Start/Stop, a running indicator and the count of sends. What and how
//! often are saved with the request ([`HeartbeatSettings`]); whether it runs is not. The app
//! runs it (`app/heartbeats.rs`): it pauses while reconnecting, goes on after a reconnect,
//! stops when the connection ends, and an invalid message stops it with the reason.

use egui::{RichText, Ui};

use crate::heartbeat::{MIN_INTERVAL_MS, Schedule};
use crate::model::{HeartbeatSettings, SavedMessage};

/// A request's heartbeat while wsprobe runs.
#[derive(Debug, Clone, Default)]
pub struct HeartbeatRun {
    /// Started and not stopped (it may be paused while reconnecting).
    pub running: bool,
    /// Messages sent since the last Start.
    pub sent: u64,
    pub schedule: Schedule,
    /// Why the heartbeat stopped by itself (an invalid message).
    pub error: Option<String>,
}

/// What the row asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeartbeatAction {
    Start,
    Stop,
}

/// "Draft" or the saved message's name.
fn message_label(message: &Option<String>) -> &str {
    message.as_deref().unwrap_or("Draft")
}

/// Draws the row. `connected`: Start is only offered while connected.
pub fn heartbeat_row(
    ui: &mut Ui,
    settings: &mut HeartbeatSettings,
    saved: &[SavedMessage],
    run: &mut HeartbeatRun,
    connected: bool,
) -> Option<HeartbeatAction> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        ui.label("Heartbeat");
        ui.add_enabled_ui(!run.running, |ui| {
            let l = ui.label("every");
            ui.add(
                egui::DragValue::new(&mut settings.interval_ms)
                    .range(MIN_INTERVAL_MS..=86_400_000)
                    .speed(50)
                    .suffix(" ms"),
            )
            .labelled_by(l.id)
            .on_hover_text("How often the message is sent while connected");
            let l = ui.label("send");
            egui::ComboBox::from_id_salt("heartbeat_message")
                .selected_text(message_label(&settings.message))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut settings.message, None, "Draft")
                        .on_hover_text("The message in the editor, as it is at each send");
                    for m in saved {
                        ui.selectable_value(&mut settings.message, Some(m.name.clone()), &m.name);
                    }
                })
                .response
                .labelled_by(l.id)
                .on_hover_text("Variables are expanded at every send: <<$timestamp>> changes");
        });
        if run.running {
            if ui
                .button("⏹ Stop")
                .on_hover_text("Stop the heartbeat")
                .accessible_name("Stop heartbeat")
                .clicked()
            {
                action = Some(HeartbeatAction::Stop);
            }
            let (text, color) = if run.schedule.is_armed() {
                ("● Running", ui.visuals().selection.stroke.color)
            } else {
                ("⏸ Paused until connected", ui.visuals().warn_fg_color)
            };
            // One piece: in the wrapped row it moves to the next line whole.
            ui.add(
                egui::Label::new(
                    RichText::new(format!("{text} · {}", sent_label(run.sent)))
                        .color(color)
                        .strong(),
                )
                .wrap_mode(egui::TextWrapMode::Extend),
            );
        } else {
            if ui
                .add_enabled(connected, egui::Button::new("▶ Start"))
                .on_hover_text("Send the message now and then every interval while connected")
                .on_disabled_hover_text("Connect first")
                .accessible_name("Start heartbeat")
                .clicked()
            {
                action = Some(HeartbeatAction::Start);
            }
            if run.sent > 0 {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("stopped · {}", sent_label(run.sent))).weak(),
                    )
                    .wrap_mode(egui::TextWrapMode::Extend),
                );
            }
        }
    });
    if let Some(error) = &run.error {
        let mut dismiss = false;
        // The button first: a long reason wraps instead of pushing it out of view.
        ui.horizontal(|ui| {
            dismiss = ui
                .small_button("✖")
                .on_hover_text("Dismiss")
                .accessible_name("Dismiss heartbeat error")
                .clicked();
            ui.add(
                egui::Label::new(
                    RichText::new(format!("⛔ Heartbeat stopped: {error}"))
                        .color(ui.visuals().error_fg_color),
                )
                .wrap(),
            );
        });
        if dismiss {
            run.error = None;
        }
    }
    action
}

/// "1 sent", "12 sent".
pub fn sent_label(sent: u64) -> String {
    format!("{sent} sent")
}
