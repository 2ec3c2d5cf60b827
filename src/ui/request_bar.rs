//! The request header: name, request type (WebSocket / Socket.IO), URL bar (templated, Enter
//! connects), status badge, Connect button.

use std::time::Instant;

use egui::{RichText, Ui};

use super::widgets::{ConnState, VarContext, status_badge_text, template_field};
use crate::model::SavedRequest;
use crate::model::url_params;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarAction {
    Connect,
    Disconnect,
    DismissError,
}

/// Draws the header; returns what the user asked for.
pub fn request_bar(
    ui: &mut Ui,
    request: &mut SavedRequest,
    state: ConnState,
    reconnect_at: Option<Instant>,
    vars: &VarContext,
    error: Option<&str>,
    failure: Option<&str>,
) -> Option<BarAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(&request.name).heading().strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let badge = status_badge_text(ui, state, &super::text::state_text(state, reconnect_at));
            if state == ConnState::Failed
                && let Some(failure) = failure
            {
                badge.on_hover_text(failure);
            }
            if matches!(
                state,
                ConnState::Connecting | ConnState::Reconnecting { .. } | ConnState::Disconnecting
            ) {
                ui.spinner();
            }
        });
    });
    ui.add_space(2.0);
    ui.horizontal(|ui| {
        super::socketio::kind_picker(ui, &mut request.kind, state.is_active());
        let button_width = 96.0;
        let url_width = (ui.available_width() - button_width - 16.0).max(120.0);
        let hint = if request.kind.is_socketio() {
            "Enter a URL, e.g. http://localhost:3000"
        } else {
            "Enter a URL, e.g. ws://localhost:8080/socket"
        };
        let field = template_field(ui, &mut request.url, vars, "URL", hint, url_width, false);
        if field.response.changed() && !url_params::in_sync(&request.url, &request.params) {
            request.params = url_params::params_from_url(&request.url, &request.params);
        }
        if field.submitted && !state.is_active() {
            action = Some(BarAction::Connect);
        }
        let (text, act) = match state {
            ConnState::Disconnected | ConnState::Failed => ("Connect", BarAction::Connect),
            ConnState::Connecting | ConnState::Reconnecting { .. } => {
                ("Cancel", BarAction::Disconnect)
            }
            ConnState::Connected | ConnState::Disconnecting => {
                ("Disconnect", BarAction::Disconnect)
            }
        };
        let button = egui::Button::new(RichText::new(text).strong())
            .min_size(egui::vec2(button_width, 24.0));
        let button = if !state.is_active() {
            button.fill(ui.visuals().selection.bg_fill)
        } else {
            button
        };
        if ui
            .add_enabled(state != ConnState::Disconnecting, button)
            .clicked()
        {
            action = Some(act);
        }
    });
    if let Some(error) = error {
        // The × first, the message wrapping in the width left: a long message never leaves
        // the × alone on a line.
        ui.horizontal_top(|ui| {
            if ui
                .small_button("×")
                .on_hover_text("Dismiss")
                .accessible_name("Dismiss error")
                .clicked()
            {
                action = Some(BarAction::DismissError);
            }
            ui.add(
                egui::Label::new(
                    RichText::new(format!("⚠ {error}")).color(ui.visuals().error_fg_color),
                )
                .wrap(),
            );
        });
    }
    action
}
