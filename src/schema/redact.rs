//! Masking credentials before events are printed or exported: the values of credential
//! headers, and every occurrence of a secret variable's value. The CLI, the export and the
//! window mask the same way.

use crate::engine::{Event, EventKind, Opcode};

/// What masked text is replaced with.
pub const MASK: &str = "***";

/// Headers whose values are credentials: masked in output unless secrets are revealed.
pub const CREDENTIAL_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Secret values shorter than this are not searched for in free text: masking every `a` or
/// `42` would make the output useless. Credential headers are masked whatever their length.
pub const MIN_MASKED_SECRET: usize = 4;

/// Masks credentials in events before they are printed or exported: the values of
/// [`CREDENTIAL_HEADERS`] (keeping an auth scheme word such as `Bearer`), and every occurrence
/// of a secret variable's value in URLs, headers, text payloads, reasons and error messages.
/// Binary payloads are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Longest first, so a secret that contains another is masked whole.
    secrets: Vec<String>,
}

impl Redaction {
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| s.chars().count() >= MIN_MASKED_SECRET)
            .collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Self { secrets }
    }

    /// `text` with every secret value replaced by [`MASK`].
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    fn bytes(&self, payload: &bytes::Bytes) -> bytes::Bytes {
        match std::str::from_utf8(payload) {
            Ok(text) if self.secrets.iter().any(|s| text.contains(s.as_str())) => {
                bytes::Bytes::from(self.text(text))
            }
            _ => payload.clone(),
        }
    }

    fn header(&self, name: &str, value: &str) -> String {
        if CREDENTIAL_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            // `Bearer ***` says which auth went out without showing it.
            return match value.split_once(' ') {
                Some((scheme, _))
                    if name.to_ascii_lowercase().contains("authorization")
                        && scheme.chars().all(|c| c.is_ascii_alphanumeric()) =>
                {
                    format!("{scheme} {MASK}")
                }
                _ => MASK.to_owned(),
            };
        }
        self.text(value)
    }

    fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| (name.clone(), self.header(name, value)))
            .collect()
    }

    /// A copy of `event` with credentials masked.
    pub fn event(&self, event: &Event) -> Event {
        let kind = match &event.kind {
            EventKind::Connecting { attempt, url } => EventKind::Connecting {
                attempt: *attempt,
                url: self.text(url),
            },
            EventKind::Redirected { status, location } => EventKind::Redirected {
                status: *status,
                location: self.text(location),
            },
            EventKind::Connected(info) => {
                let mut info = info.clone();
                info.url = self.text(&info.url);
                info.request_line = self.text(&info.request_line);
                info.request_headers = self.headers(&info.request_headers);
                info.response_headers = self.headers(&info.response_headers);
                EventKind::Connected(info)
            }
            EventKind::Message {
                direction,
                opcode,
                payload,
                wire_size,
            } => EventKind::Message {
                direction: *direction,
                opcode: *opcode,
                wire_size: *wire_size,
                payload: match opcode {
                    Opcode::Text => self.bytes(payload),
                    Opcode::Binary => payload.clone(),
                },
            },
            EventKind::Ping { direction, payload } => EventKind::Ping {
                direction: *direction,
                payload: self.bytes(payload),
            },
            EventKind::Pong {
                direction,
                payload,
                rtt,
            } => EventKind::Pong {
                direction: *direction,
                payload: self.bytes(payload),
                rtt: *rtt,
            },
            EventKind::Closed { code, reason, by } => EventKind::Closed {
                code: *code,
                reason: self.text(reason),
                by: *by,
            },
            EventKind::Error { message } => EventKind::Error {
                message: self.text(message),
            },
            EventKind::HandshakeFailed(failed) => {
                let mut failed = failed.clone();
                failed.message = self.text(&failed.message);
                if let Some(refused) = &mut failed.response {
                    let info = &mut refused.info;
                    info.url = self.text(&info.url);
                    info.request_line = self.text(&info.request_line);
                    info.request_headers = self.headers(&info.request_headers);
                    info.response_headers = self.headers(&info.response_headers);
                    refused.body = self.bytes(&refused.body);
                }
                EventKind::HandshakeFailed(failed)
            }
            EventKind::Script { level, text } => EventKind::Script {
                level: *level,
                text: self.text(text),
            },
            EventKind::SocketIo(sio) => {
                let mut sio = sio.clone();
                match &mut sio.packet {
                    crate::engine::SocketIoPacket::Event { args, .. }
                    | crate::engine::SocketIoPacket::Ack { args, .. } => *args = self.bytes(args),
                    crate::engine::SocketIoPacket::ConnectError { message, .. } => {
                        *message = self.text(message);
                    }
                    _ => {}
                }
                EventKind::SocketIo(sio)
            }
            other @ EventKind::Reconnecting { .. } => other.clone(),
        };
        Event { kind, ..*event }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_events::{ev, msg};
    use crate::engine::{Direction, HandshakeInfo};

    #[test]
    fn redaction_masks_credential_headers_and_secret_values() {
        let redaction = Redaction::new(["tok-secret".to_owned(), "abc".to_owned()]);
        let connected = ev(EventKind::Connected(Box::new(HandshakeInfo {
            url: "ws://h/?k=tok-secret".into(),
            request_line: "GET /?k=tok-secret HTTP/1.1".into(),
            request_headers: vec![
                ("Authorization".into(), "Bearer tok-secret".into()),
                ("proxy-authorization".into(), "Basic dTpw".into()),
                ("Cookie".into(), "a=1; b=2".into()),
                ("X-Id".into(), "abc tok-secret".into()),
            ],
            response_headers: vec![("Set-Cookie".into(), "s=1".into())],
            ..Default::default()
        })));
        let EventKind::Connected(info) = redaction.event(&connected).kind else {
            panic!("not connected");
        };
        assert_eq!(info.url, "ws://h/?k=***");
        assert_eq!(info.request_line, "GET /?k=*** HTTP/1.1");
        assert_eq!(
            info.request_headers,
            vec![
                ("Authorization".to_owned(), "Bearer ***".to_owned()),
                ("proxy-authorization".to_owned(), "Basic ***".to_owned()),
                ("Cookie".to_owned(), "***".to_owned()),
                // Too short to search for: `abc` stays.
                ("X-Id".to_owned(), "abc ***".to_owned()),
            ]
        );
        assert_eq!(info.response_headers[0].1, "***");
        // Binary payloads are not touched; text ones are.
        let binary = msg(Direction::Sent, Opcode::Binary, b"tok-secret");
        assert_eq!(redaction.event(&binary), binary);
        let text = redaction.event(&msg(Direction::Sent, Opcode::Text, b"x tok-secret"));
        assert_eq!(payload_text(&text), "x ***");
        assert_eq!(Redaction::default().event(&binary), binary);
    }

    fn payload_text(event: &Event) -> String {
        match &event.kind {
            EventKind::Message { payload, .. } => String::from_utf8_lossy(payload).into_owned(),
            other => panic!("not a message: {other:?}"),
        }
    }
}
