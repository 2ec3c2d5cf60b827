//! The timeline of a connection, like Insomnia's: the upgrade request as sent (secrets masked
//! until revealed), each redirect hop, the response, what was negotiated and how long each
//! phase took. Also the detail of a Closed event: code, meaning, reason.
//!
//! A failed attempt (`HandshakeFailed`) gets the same timeline up to where it stopped: the
//! error, and when the server refused the upgrade, the request as sent, the response status,
//! headers (`WWW-Authenticate`...) and the start of its body.

use egui::{RichText, Ui};

use super::secret_mask::SecretMask;

use crate::engine::{CloseCode, ClosedBy, Event, EventKind, HandshakeInfo, RefusedUpgrade};
use crate::format::local_time;
use crate::log::{EventLog, Seq};

/// Header values that carry credentials; masked until the user reveals them.
pub const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

pub const MASK: &str = "••••••••";

pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// `name: value`, with the value masked when it is a secret and not revealed.
pub fn header_line(name: &str, value: &str, reveal: bool) -> String {
    if is_secret_header(name) && !reveal {
        format!("{name}: {MASK}")
    } else {
        format!("{name}: {value}")
    }
}

/// One step before the handshake completed: the attempt start and each redirect.
#[derive(Debug, Clone, PartialEq)]
pub enum Hop {
    Started {
        at_ms: i64,
        url: String,
    },
    Redirected {
        at_ms: i64,
        status: u16,
        location: String,
    },
}

/// The Connecting and Redirected events of the attempt that `seq` (a Connected or a
/// HandshakeFailed event) ended, oldest first. Looks back a bounded number of events.
pub fn hops_before(log: &EventLog, seq: Seq) -> Vec<Hop> {
    let Some(connected) = log.get(seq) else {
        return Vec::new();
    };
    let mut hops = Vec::new();
    let floor = Seq(seq.0.saturating_sub(64)).max(log.first_seq());
    let mut at = seq;
    while let Some(before) = at.prev().filter(|&before| before >= floor) {
        at = before;
        let Some(event) = log.get(at) else { break };
        if event.session != connected.session {
            continue;
        }
        match &event.kind {
            EventKind::Redirected { status, location } => hops.push(Hop::Redirected {
                at_ms: event.at_ms,
                status: *status,
                location: location.clone(),
            }),
            EventKind::Connecting { url, .. } => {
                hops.push(Hop::Started {
                    at_ms: event.at_ms,
                    url: url.clone(),
                });
                break;
            }
            // An earlier connection of the same session (a reconnect): stop.
            EventKind::Connected(_) | EventKind::Closed { .. } => break,
            _ => {}
        }
    }
    hops.reverse();
    hops
}

/// Remembers whether secrets are revealed (per panel, reset when the app restarts).
#[derive(Default)]
pub struct Timeline {
    pub reveal: bool,
}

impl Timeline {
    /// The timeline of the attempt that `event` ended: a Connected event's whole handshake,
    /// or a failed attempt's error and, when the server answered, its answer.
    pub fn attempt_ui(
        &mut self,
        ui: &mut Ui,
        log: &EventLog,
        seq: Seq,
        event: &Event,
        mask: &SecretMask,
    ) {
        let hops = hops_before(log, seq);
        egui::ScrollArea::vertical()
            .id_salt("timeline_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| match &event.kind {
                EventKind::Connected(info) => {
                    self.sections(ui, info, None, &hops, event.at_ms, mask);
                }
                EventKind::HandshakeFailed(failed) => {
                    ui.add(
                        egui::Label::new(
                            RichText::new(mask.text(&failed.message))
                                .color(ui.visuals().error_fg_color),
                        )
                        .selectable(true)
                        .wrap(),
                    );
                    ui.add_space(6.0);
                    match &failed.response {
                        Some(refused) => {
                            let info = &refused.info;
                            self.sections(ui, info, Some(refused), &hops, event.at_ms, mask);
                        }
                        None => timing_grid(ui, &hops, None, event.at_ms, "Total until it failed"),
                    }
                }
                _ => {}
            });
    }

    fn sections(
        &mut self,
        ui: &mut Ui,
        info: &HandshakeInfo,
        refused: Option<&RefusedUpgrade>,
        hops: &[Hop],
        ended_ms: i64,
        mask: &SecretMask,
    ) {
        let mono = |ui: &mut Ui, text: String| {
            let text = mask.text(&text).into_owned();
            ui.add(egui::Label::new(RichText::new(text).monospace()).selectable(true));
        };
        let any_secret = info
            .request_headers
            .iter()
            .chain(&info.response_headers)
            .any(|(k, _)| is_secret_header(k));

        ui.horizontal(|ui| {
            ui.label(RichText::new("Request").strong());
            if any_secret || !mask.is_empty() {
                ui.toggle_value(&mut self.reveal, "👁 Reveal masked headers")
                    .on_hover_text("Authorization, Cookie and Proxy-Authorization are masked");
            }
        });
        mono(ui, info.request_line.clone());
        for (k, v) in &info.request_headers {
            mono(ui, header_line(k, v, self.reveal));
        }

        let started_ms = hops.iter().find_map(|h| match h {
            Hop::Started { at_ms, .. } => Some(*at_ms),
            _ => None,
        });
        let redirects: Vec<_> = hops
            .iter()
            .filter_map(|h| match h {
                Hop::Redirected {
                    at_ms,
                    status,
                    location,
                } => Some((*at_ms, *status, location)),
                _ => None,
            })
            .collect();
        if !redirects.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new("Redirects").strong());
            let mut previous = started_ms;
            for (i, (at_ms, status, location)) in redirects.iter().enumerate() {
                let took = previous
                    .map(|p| format!(" after {} ms", at_ms - p))
                    .unwrap_or_default();
                mono(ui, format!("{}. {status} → {location}{took}", i + 1));
                previous = Some(*at_ms);
            }
        }

        ui.add_space(6.0);
        ui.label(RichText::new("Response").strong());
        let reason = match refused {
            Some(refused) if !refused.reason.is_empty() => format!(" {}", refused.reason),
            Some(_) => String::new(),
            None if info.status == 101 => " Switching Protocols".to_owned(),
            None => String::new(),
        };
        mono(ui, format!("HTTP/1.1 {}{reason}", info.status));
        for (k, v) in &info.response_headers {
            mono(ui, header_line(k, v, self.reveal));
        }
        if let Some(refused) = refused {
            refusal_body(ui, refused, mask);
            timing_grid(ui, hops, Some(info), ended_ms, "Total until refused");
            return;
        }

        ui.add_space(6.0);
        ui.label(RichText::new("Negotiated").strong());
        let extensions = info
            .response_headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("sec-websocket-extensions"))
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        egui::Grid::new("timeline_negotiated")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                ui.weak("Subprotocol");
                ui.label(info.subprotocol.as_deref().unwrap_or("none"));
                ui.end_row();
                ui.weak("Extensions");
                ui.label(if extensions.is_empty() {
                    "none"
                } else {
                    &extensions
                });
                ui.end_row();
                ui.weak("TLS");
                ui.label(info.tls_version.as_deref().unwrap_or("none (ws://)"));
                ui.end_row();
                if let Some(cert) = &info.client_certificate {
                    ui.weak("Client certificate");
                    ui.label(cert.to_string());
                    ui.end_row();
                }
                ui.weak("Proxy");
                ui.label(info.proxy.as_ref().map_or_else(
                    || "none (direct)".to_owned(),
                    |hop| format!("{} · {} · {} ms", hop.proxy, hop.answer, hop.elapsed_ms),
                ));
                ui.end_row();
                ui.weak("Compression");
                ui.label(info.compression.map_or_else(
                    || "none: messages go uncompressed".to_owned(),
                    |agreed| agreed.to_string(),
                ));
                ui.end_row();
            });

        timing_grid(ui, hops, Some(info), ended_ms, "Total until connected");
    }
}

/// The body a server sent with its refusal (its first KiB), as text when it is UTF-8.
fn refusal_body(ui: &mut Ui, refused: &RefusedUpgrade, mask: &SecretMask) {
    ui.add_space(6.0);
    ui.label(RichText::new("Body").strong());
    if refused.body.is_empty() {
        ui.weak("(empty)");
        return;
    }
    let text = match std::str::from_utf8(&refused.body) {
        Ok(text) => text.to_owned(),
        Err(err) if err.error_len().is_none() => {
            String::from_utf8_lossy(&refused.body[..err.valid_up_to()]).into_owned()
        }
        Err(_) => crate::format::hexdump(&refused.body),
    };
    ui.add(
        egui::Label::new(RichText::new(mask.text(&text).into_owned()).monospace())
            .selectable(true)
            .wrap(),
    );
    if refused.body_truncated {
        ui.weak(format!(
            "(only the first {} of the body are kept)",
            crate::format::human_size(crate::engine::REFUSAL_BODY_BYTES)
        ));
    }
}

/// When the attempt started, its redirect hops, the handshake's time and the total until
/// `ended_ms` (worded by `total`).
fn timing_grid(
    ui: &mut Ui,
    hops: &[Hop],
    info: Option<&HandshakeInfo>,
    ended_ms: i64,
    total: &str,
) {
    let started_ms = hops.iter().find_map(|h| match h {
        Hop::Started { at_ms, .. } => Some(*at_ms),
        _ => None,
    });
    let redirects = hops
        .iter()
        .filter(|h| matches!(h, Hop::Redirected { .. }))
        .count();
    ui.add_space(6.0);
    ui.label(RichText::new("Timing").strong());
    egui::Grid::new("timeline_timing")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            if let Some(start) = started_ms {
                ui.weak("Started");
                ui.label(local_time(start));
                ui.end_row();
            }
            if redirects > 0 {
                ui.weak("Redirect hops");
                ui.label(format!("{redirects}"));
                ui.end_row();
            }
            if let Some(info) = info {
                ui.weak("Handshake (TCP + TLS + upgrade)");
                ui.label(format!("{} ms", info.elapsed_ms));
                ui.end_row();
            }
            if let Some(start) = started_ms {
                ui.weak(total);
                ui.label(format!("{} ms", ended_ms - start));
                ui.end_row();
            }
        });
}

/// The detail of a Closed event.
pub fn closed_ui(ui: &mut Ui, code: u16, reason: &str, by: ClosedBy) {
    egui::Grid::new("closed_detail")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.weak("Code");
            ui.label(format!("{code} {}", CloseCode(code).meaning()));
            ui.end_row();
            ui.weak("Reason");
            ui.label(if reason.is_empty() { "(none)" } else { reason });
            ui.end_row();
            ui.weak("Closed by");
            ui.label(by.as_str());
            ui.end_row();
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_case_insensitively() {
        assert_eq!(
            header_line("authorization", "Bearer x", false),
            format!("authorization: {MASK}")
        );
        assert_eq!(header_line("Cookie", "a=b", true), "Cookie: a=b");
        assert_eq!(header_line("Host", "h", false), "Host: h");
    }

    #[test]
    fn hops_of_the_connection() {
        let mut log = EventLog::default();
        let push = |log: &mut EventLog, session, at_ms, kind| {
            log.push(Event {
                at_ms,
                session,
                kind,
            })
        };
        push(
            &mut log,
            crate::engine::SessionId(1),
            5,
            EventKind::Connecting {
                attempt: 1,
                url: "ws://a/".into(),
            },
        );
        push(
            &mut log,
            crate::engine::SessionId(2),
            6,
            EventKind::Error {
                message: "other".into(),
            },
        );
        push(
            &mut log,
            crate::engine::SessionId(1),
            9,
            EventKind::Redirected {
                status: 302,
                location: "ws://b/".into(),
            },
        );
        push(
            &mut log,
            crate::engine::SessionId(1),
            12,
            EventKind::Connected(Box::default()),
        );
        assert_eq!(
            hops_before(&log, Seq(3)),
            vec![
                Hop::Started {
                    at_ms: 5,
                    url: "ws://a/".into()
                },
                Hop::Redirected {
                    at_ms: 9,
                    status: 302,
                    location: "ws://b/".into()
                },
            ]
        );
    }
}
