//! The window side of Socket.IO requests. The engine's Socket.IO session speaks the protocol;
//! this room is what a user sees of it:
//!
//! - [`kind_picker`]: the request bar's WebSocket / Socket.IO choice (the sidebar's + menu
//!   creates either);
//! - [`settings`]: Settings → Socket.IO (protocol version, path, namespace, auth payload, ack
//!   timeout) and the check that keeps a bad auth payload from connecting;
//! - [`composer`]: the Message tab of a Socket.IO request: event name, arguments
//!   ([`args`]: how they are written and checked), Expect acknowledgement, Send (an emit);
//! - [`detail`]: a Socket.IO event's detail (event, namespace, ack id and its link, binary
//!   attachments as hex).
//!
//! The events panel's event-name column, chips and Raw frames toggle are in
//! `ui/events/socketio.rs`; the names and ack links they read are kept by
//! [`crate::log::SocketIoIndex`] as events arrive.

pub mod args;
pub mod composer;
pub mod detail;
pub mod settings;

use egui::Ui;

use crate::engine::SocketIoOutgoing;
use crate::format::error_chain;
use crate::model::RequestKind;
use crate::template::Resolver;

/// The emit Send (or a history entry's Resend) asks for: variables resolved in the arguments,
/// then read as [`args::parse_args`] does. The error says why it cannot be sent.
pub fn emit_outgoing(
    resolver: &Resolver,
    event: &str,
    body: &str,
    expect_ack: bool,
) -> Result<SocketIoOutgoing, String> {
    if let Some(why) = args::event_name_problem(event) {
        return Err(why);
    }
    let text = resolver
        .render("arguments", body)
        .map_err(|e| error_chain(&e))?;
    let args = args::parse_args(&text).map_err(|e| e.to_string())?;
    Ok(SocketIoOutgoing::Emit {
        event: event.to_owned(),
        args,
        ack: expect_ack,
    })
}

/// The request bar's type switch: WebSocket or Socket.IO (locked while connected).
pub fn kind_picker(ui: &mut Ui, kind: &mut RequestKind, locked: bool) {
    ui.add_enabled_ui(!locked, |ui| {
        egui::ComboBox::from_id_salt("request_kind")
            .selected_text(kind.label())
            .width(92.0)
            .show_ui(ui, |ui| {
                for k in RequestKind::ALL {
                    ui.selectable_value(kind, k, k.label());
                }
            })
            .response
            .on_hover_text("The request's type: a plain WebSocket, or Socket.IO over WebSocket")
            .on_disabled_hover_text("Disconnect to change the request's type")
            .accessible_name("Request type");
    });
}

/// The one-line words of a Socket.IO packet in the events list (the event name has a column
/// of its own, so an event's line is its arguments).
pub fn preview(sio: &crate::engine::SocketIoEvent) -> String {
    use crate::engine::{Direction, SocketIoPacket as P};
    use crate::format::{LineBreaks, text_preview};
    let ns = &sio.namespace;
    let args = |args: &[u8], attachments: usize| {
        let mut s = if args.is_empty() || args == b"[]" {
            "(no arguments)".to_owned()
        } else {
            text_preview(args, crate::ui::text::PREVIEW_CHARS, LineBreaks::Collapse)
        };
        if attachments > 0 {
            s.push_str(&format!(" + {attachments} binary"));
        }
        s
    };
    match (&sio.packet, sio.direction) {
        (P::Connect { data }, Direction::Sent) => match data {
            Some(_) => format!("Connecting to namespace {ns} (with auth)"),
            None => format!("Connecting to namespace {ns}"),
        },
        (P::Connect { data }, Direction::Received) => {
            let sid = data
                .as_deref()
                .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                .and_then(|v| v.get("sid").and_then(|s| s.as_str()).map(str::to_owned));
            match sid {
                Some(sid) => format!("Namespace {ns} connected (sid {sid})"),
                None => format!("Namespace {ns} connected"),
            }
        }
        (P::ConnectError { message, .. }, _) => {
            format!("Namespace {ns} refused: {message}")
        }
        (P::Disconnect, Direction::Received) => {
            format!("Namespace {ns} disconnected by the server")
        }
        (P::Disconnect, Direction::Sent) => format!("Disconnecting namespace {ns}"),
        (
            P::Event {
                args: a,
                attachments,
                ..
            },
            _,
        )
        | (
            P::Ack {
                args: a,
                attachments,
                ..
            },
            _,
        ) => args(a, attachments.len()),
        (P::AckTimeout { ack_id, after_ms }, _) => {
            format!("no acknowledgement of emit {ack_id} within {after_ms} ms")
        }
    }
}
