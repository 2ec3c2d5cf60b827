//! The connection status badge: a coloured pill with the state's name.

use egui::{Color32, RichText, Ui};

/// What the header shows about a request's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnState {
    #[default]
    Disconnected,
    Connecting,
    Connected,
    Disconnecting,
    Reconnecting {
        attempt: u32,
        of: u32,
    },
    /// The last attempt's handshake failed (the reason is the session's `failure`); until
    /// the next Connect. Not active: Connect is offered.
    Failed,
}

impl ConnState {
    pub fn label(self) -> String {
        match self {
            Self::Disconnected => "Disconnected".into(),
            Self::Connecting => "Connecting".into(),
            Self::Connected => "Connected".into(),
            Self::Disconnecting => "Disconnecting".into(),
            Self::Reconnecting { attempt, of } => format!("Reconnecting {attempt}/{of}"),
            Self::Failed => "Failed".into(),
        }
    }

    pub fn color(self, dark: bool) -> Color32 {
        let (green, amber, orange, grey, red) = if dark {
            (
                Color32::from_rgb(0x4c, 0xc3, 0x6b),
                Color32::from_rgb(0xe8, 0xb3, 0x39),
                Color32::from_rgb(0xf0, 0x8a, 0x3c),
                Color32::from_gray(0x9a),
                Color32::from_rgb(0xff, 0x5c, 0x5c),
            )
        } else {
            (
                Color32::from_rgb(0x1e, 0x8e, 0x3e),
                Color32::from_rgb(0xb0, 0x7a, 0x00),
                Color32::from_rgb(0xc4, 0x5a, 0x00),
                Color32::from_gray(0x70),
                Color32::from_rgb(0xc6, 0x28, 0x28),
            )
        };
        match self {
            Self::Disconnected => grey,
            Self::Connecting | Self::Disconnecting => amber,
            Self::Connected => green,
            Self::Reconnecting { .. } => orange,
            Self::Failed => red,
        }
    }

    /// A session is live (Connect would be refused; Settings are locked).
    pub fn is_active(self) -> bool {
        !matches!(self, Self::Disconnected | Self::Failed)
    }
}

/// Draws the badge.
pub fn status_badge(ui: &mut Ui, state: ConnState) -> egui::Response {
    status_badge_text(ui, state, &state.label())
}

/// Draws the badge in the state's colour with other words (e.g. a reconnect countdown).
pub fn status_badge_text(ui: &mut Ui, state: ConnState, text: &str) -> egui::Response {
    let color = state.color(ui.visuals().dark_mode);
    egui::Frame::new()
        .fill(color.gamma_multiply(0.18))
        .stroke(egui::Stroke::new(1.0, color.gamma_multiply(0.7)))
        .corner_radius(10.0)
        .inner_margin(egui::Margin::symmetric(8, 2))
        .show(ui, |ui| {
            ui.label(RichText::new(format!("● {text}")).color(color))
        })
        .inner
}
