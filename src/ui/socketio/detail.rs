//! The top of a Socket.IO event's detail: what the packet was, its event name, namespace and
//! ack id, how its acknowledgement went (with a link to the other end: the answer of an emit,
//! the emit an ack answers), the server's message of a CONNECT_ERROR, and the binary
//! attachments as hex. The arguments themselves are shown below it by the detail's usual
//! views (JSON pretty-printed).

use egui::{RichText, Ui};

use crate::engine::{Direction, SocketIoEvent, SocketIoPacket};
use crate::format::hexdump;
use crate::log::{AckLink, AckOutcome, Seq};
use crate::ui::secret_mask::SecretMask;

/// An attachment's hexdump shows at most this many bytes.
pub const ATTACHMENT_HEX_LIMIT: usize = 4096;

/// The packet's words for the detail's title line.
pub fn packet_title(sio: &SocketIoEvent) -> &'static str {
    match sio.packet {
        SocketIoPacket::Connect { .. } => "Socket.IO connect",
        SocketIoPacket::ConnectError { .. } => "Socket.IO connect error",
        SocketIoPacket::Disconnect => "Socket.IO disconnect",
        SocketIoPacket::Event { .. } => "Socket.IO event",
        SocketIoPacket::Ack { .. } => "Socket.IO ack",
        SocketIoPacket::AckTimeout { .. } => "Socket.IO ack timeout",
    }
}

/// Draws the packet's facts; returns the event to select when a link was clicked.
pub fn socketio_info(
    ui: &mut Ui,
    this: Seq,
    sio: &SocketIoEvent,
    link: Option<&AckLink>,
    mask: &SecretMask,
) -> Option<Seq> {
    let mut go_to = None;
    egui::Grid::new("socketio_detail")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            let row = |ui: &mut Ui, name: &str, value: String| {
                ui.weak(name);
                ui.add(egui::Label::new(RichText::new(value).monospace()).selectable(true));
                ui.end_row();
            };
            match &sio.packet {
                SocketIoPacket::Event { event, ack_id, .. } => {
                    row(ui, "Event", event.clone());
                    if let Some(id) = ack_id {
                        row(ui, "Ack id", id.to_string());
                    }
                }
                SocketIoPacket::Ack { ack_id, .. } | SocketIoPacket::AckTimeout { ack_id, .. } => {
                    row(ui, "Ack id", ack_id.to_string());
                }
                SocketIoPacket::Connect { data: Some(data) } => {
                    row(ui, "Data", mask.text(data).into_owned());
                }
                SocketIoPacket::ConnectError { message, data } => {
                    row(ui, "Message", mask.text(message).into_owned());
                    if let Some(data) = data {
                        row(ui, "Data", mask.text(data).into_owned());
                    }
                }
                SocketIoPacket::Connect { data: None } | SocketIoPacket::Disconnect => {}
            }
            row(ui, "Namespace", sio.namespace.clone());
        });
    if let Some(link) = link {
        ui.horizontal_wrapped(|ui| {
            let (words, other, action) = link_words(this, link);
            ui.label(words);
            if let Some(other) = other
                && ui.link(action).clicked()
            {
                go_to = Some(other);
            }
        });
    }
    let attachments = match &sio.packet {
        SocketIoPacket::Event { attachments, .. } | SocketIoPacket::Ack { attachments, .. } => {
            attachments.as_slice()
        }
        _ => &[],
    };
    for (i, bytes) in attachments.iter().enumerate() {
        let title = format!(
            "Attachment {} · {} bytes (placeholder num {i})",
            i + 1,
            bytes.len()
        );
        egui::CollapsingHeader::new(title)
            .id_salt(("attachment", this, i))
            .default_open(i == 0)
            .show(ui, |ui| {
                let shown = &bytes[..bytes.len().min(ATTACHMENT_HEX_LIMIT)];
                ui.add(
                    egui::Label::new(RichText::new(hexdump(shown)).monospace())
                        .selectable(true)
                        .extend(),
                );
                if bytes.len() > ATTACHMENT_HEX_LIMIT {
                    ui.weak(format!(
                        "first {ATTACHMENT_HEX_LIMIT} of {} bytes shown",
                        bytes.len()
                    ));
                }
            });
    }
    go_to
}

/// What the detail of event `this` says about its acknowledgement, the other end to select,
/// and the link's words.
pub fn link_words(this: Seq, link: &AckLink) -> (String, Option<Seq>, &'static str) {
    let ours = link.emitted == Direction::Sent;
    if this == link.emit {
        return match link.outcome {
            AckOutcome::Pending => ("Waiting for the acknowledgement…".to_owned(), None, ""),
            AckOutcome::Answered { answer, rtt } => {
                let rtt = rtt.map_or_else(String::new, |d| format!(" after {}", round_trip(d)));
                let who = if ours { "the server" } else { "us" };
                (
                    format!("Acknowledged by {who}{rtt}."),
                    Some(answer),
                    "↓ Show the answer",
                )
            }
            AckOutcome::TimedOut { note, after_ms } => (
                format!("No acknowledgement within {after_ms} ms."),
                Some(note),
                "Show the timeout",
            ),
        };
    }
    match link.outcome {
        AckOutcome::Answered { rtt, .. } => {
            let rtt = rtt.map_or_else(String::new, |d| format!(" ({} round trip)", round_trip(d)));
            (
                format!("Answers emit {}{rtt}.", link.ack_id),
                Some(link.emit),
                "↑ Show the emit",
            )
        }
        AckOutcome::TimedOut { after_ms, .. } => (
            format!(
                "Emit {} got no acknowledgement within {after_ms} ms.",
                link.ack_id
            ),
            Some(link.emit),
            "↑ Show the emit",
        ),
        AckOutcome::Pending => (String::new(), None, ""),
    }
}

/// "12 ms", "0.4 ms", "1.25 s".
pub fn round_trip(d: std::time::Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn both_ends_of_an_ack_point_at_each_other() {
        let link = AckLink {
            ack_id: 3,
            emit: Seq(10),
            emitted: Direction::Sent,
            outcome: AckOutcome::Answered {
                answer: Seq(12),
                rtt: Some(Duration::from_millis(12)),
            },
        };
        assert_eq!(
            link_words(Seq(10), &link),
            (
                "Acknowledged by the server after 12 ms.".to_owned(),
                Some(Seq(12)),
                "↓ Show the answer"
            )
        );
        let (words, other, _) = link_words(Seq(12), &link);
        assert_eq!(words, "Answers emit 3 (12 ms round trip).");
        assert_eq!(other, Some(Seq(10)));
        assert_eq!(round_trip(Duration::from_micros(400)), "0.4 ms");
        assert_eq!(round_trip(Duration::from_millis(1250)), "1.25 s");
    }
}
