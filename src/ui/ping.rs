//! The Ping row of the Message tab: an optional payload written as text or hex (at most 125
//! bytes, the limit of a control frame, checked as you type like a message body) and the Ping
//! button. The pong shows in the events with its round trip ("Pong · 2 B · 3.2 ms"). The
//! payload is sent as written (no variables) and kept per request while wsprobe runs.

use bytes::Bytes;
use egui::Ui;

use crate::format::{error_chain, parse_hex};

/// The most a ping can carry (RFC 6455 §5.5).
pub const MAX_PING_PAYLOAD: usize = 125;

/// The ping payload being written for one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PingDraft {
    pub payload: String,
    /// The payload is hex (else UTF-8 text).
    pub hex: bool,
}

impl PingDraft {
    /// The bytes to send, or why they cannot be sent.
    pub fn bytes(&self) -> Result<Bytes, String> {
        let bytes = if self.hex {
            parse_hex(&self.payload).map_err(|e| format!("Cannot ping: {}", error_chain(&e)))?
        } else {
            self.payload.as_bytes().to_vec()
        };
        if bytes.len() > MAX_PING_PAYLOAD {
            return Err(format!(
                "Cannot ping: the payload is {} bytes, a ping carries at most {MAX_PING_PAYLOAD}",
                bytes.len()
            ));
        }
        Ok(Bytes::from(bytes))
    }
}

/// Draws the row; returns the payload when Ping was clicked (only when `connected` and the
/// payload is valid).
pub fn ping_row(ui: &mut Ui, draft: &mut PingDraft, connected: bool) -> Option<Bytes> {
    let mut ping = None;
    ui.horizontal_wrapped(|ui| {
        let checked = draft.bytes();
        let can_ping = connected && checked.is_ok();
        let button = ui
            .add_enabled(can_ping, egui::Button::new("Ping"))
            .on_hover_text("Send a ping frame; the pong shows with its round-trip time")
            .on_disabled_hover_text(if connected {
                "Fix the payload first"
            } else {
                "Connect first"
            });
        if button.clicked()
            && let Ok(bytes) = &checked
        {
            ping = Some(bytes.clone());
        }
        ui.add(
            egui::TextEdit::singleline(&mut draft.payload)
                .hint_text(if draft.hex {
                    "payload in hex (optional)"
                } else {
                    "payload (optional)"
                })
                .font(egui::TextStyle::Monospace)
                .desired_width(160.0),
        )
        .accessible_name("Ping payload");
        ui.spacing_mut().item_spacing.x = 2.0;
        ui.selectable_value(&mut draft.hex, false, "Text")
            .accessible_name("Ping payload as text");
        ui.selectable_value(&mut draft.hex, true, "Hex")
            .accessible_name("Ping payload as hex");
        ui.spacing_mut().item_spacing.x = 8.0;
        match &checked {
            Ok(bytes) if !bytes.is_empty() => {
                ui.weak(format!("{} B", bytes.len()));
            }
            Ok(_) => {}
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("⛔ {e}"));
            }
        }
    });
    ping
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_checked_like_messages_and_capped_at_125_bytes() {
        let text = |s: &str| PingDraft {
            payload: s.into(),
            hex: false,
        };
        let hex = |s: &str| PingDraft {
            payload: s.into(),
            hex: true,
        };
        assert_eq!(text("").bytes(), Ok(Bytes::new()));
        assert_eq!(text("héllo").bytes(), Ok(Bytes::from("héllo")));
        assert_eq!(hex("de ad").bytes(), Ok(Bytes::from_static(&[0xde, 0xad])));
        assert!(hex("zz").bytes().unwrap_err().starts_with("Cannot ping:"));
        assert!(text(&"x".repeat(125)).bytes().is_ok());
        let err = text(&"x".repeat(126)).bytes().unwrap_err();
        assert!(
            err.contains("126 bytes") && err.contains("at most 125"),
            "{err}"
        );
        assert!(hex(&"ab".repeat(126)).bytes().is_err());
    }
}
