//! permessage-deflate (RFC 7692), client side: the offer, the check of the server's answer,
//! and the per-message codec.
//!
//! Contract:
//! - [`offer`] is the `Sec-WebSocket-Extensions` value sent for the request's
//!   [`Compression`] settings (`None` when compression is off).
//! - [`negotiate`] checks every `Sec-WebSocket-Extensions` value of the 101 response against
//!   what was offered. An extension or parameter we did not offer, a duplicate, or an invalid
//!   value is an error whose text names it; the handshake then fails. `Ok(None)`: the server
//!   declined (no compression on this connection).
//! - [`Inflater`] inflates one message at a time, fragment by fragment, keeping the LZ77
//!   window between messages (context takeover) unless the server said it resets it. The
//!   whole message's inflated size is bounded: crossing the limit stops inflating at once
//!   (a zip bomb costs at most the limit plus one step of memory), and is reported as
//!   [`InflateError::TooBig`].
//! - [`Deflater`] compresses whole outgoing messages (never control frames: the caller only
//!   hands it text and binary messages), resetting its window per message when
//!   `client_no_context_takeover` was agreed. A server that limits us to a 256-byte window
//!   (`client_max_window_bits=8`, which zlib cannot produce for raw deflate) gets our
//!   messages uncompressed: RFC 7692 lets every message choose.
//!
//! Compression itself is flate2 with the zlib-rs backend: nothing here is hand-written
//! deflate.

use flate2::{Compress, Decompress, FlushCompress, FlushDecompress, Status};

use crate::model::{Compression, WINDOW_BITS};

/// The extension's registered name.
pub(crate) const NAME: &str = "permessage-deflate";
/// What every compressed message's deflate data ends with on the sender's side, and what the
/// receiver appends back before inflating (RFC 7692 §7.2.1/§7.2.2).
const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];
/// How much output room is added at a time while inflating.
const INFLATE_STEP: usize = 64 * 1024;

/// What both sides agreed on for this connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// The server compresses each message on its own.
    pub server_no_context_takeover: bool,
    /// We compress each message on our own.
    pub client_no_context_takeover: bool,
    /// The server's LZ77 window (15 unless it said otherwise).
    pub server_max_window_bits: u8,
    /// Our LZ77 window (15 unless the server, or our own offer, limited it).
    pub client_max_window_bits: u8,
}

impl std::fmt::Display for Negotiated {
    /// As an extension header would say it, with every parameter spelled out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(NAME)?;
        if self.server_no_context_takeover {
            f.write_str("; server_no_context_takeover")?;
        }
        if self.client_no_context_takeover {
            f.write_str("; client_no_context_takeover")?;
        }
        write!(
            f,
            "; server_max_window_bits={}; client_max_window_bits={}",
            self.server_max_window_bits, self.client_max_window_bits
        )
    }
}

/// The `Sec-WebSocket-Extensions` offer for `settings`, or `None` when compression is off.
pub fn offer(settings: &Compression) -> Option<String> {
    if !settings.enabled {
        return None;
    }
    let mut value = NAME.to_owned();
    if settings.server_no_context_takeover {
        value.push_str("; server_no_context_takeover");
    }
    if settings.client_no_context_takeover {
        value.push_str("; client_no_context_takeover");
    }
    if let Some(bits) = settings.server_max_window_bits {
        value.push_str(&format!("; server_max_window_bits={bits}"));
    }
    // Always offered: it tells the server it may limit our window.
    match settings.client_max_window_bits {
        Some(bits) => value.push_str(&format!("; client_max_window_bits={bits}")),
        None => value.push_str("; client_max_window_bits"),
    }
    Some(value)
}

/// Checks a request's compression settings before anything is sent.
pub(crate) fn check_settings(settings: &Compression) -> Result<(), String> {
    for (name, bits) in [
        ("server_max_window_bits", settings.server_max_window_bits),
        ("client_max_window_bits", settings.client_max_window_bits),
    ] {
        if let Some(bits) = bits
            && !WINDOW_BITS.contains(&bits)
        {
            return Err(format!(
                "compression setting {name}={bits} is outside 8..15"
            ));
        }
    }
    Ok(())
}

/// Checks the server's `Sec-WebSocket-Extensions` values against what `settings` offered.
pub(crate) fn negotiate<'a>(
    settings: &Compression,
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Option<Negotiated>, String> {
    let mut agreed: Option<Negotiated> = None;
    for value in values {
        for element in split_outside_quotes(value, ',') {
            let mut parts = split_outside_quotes(element, ';').into_iter();
            let name = parts.next().unwrap_or_default();
            if name.is_empty() {
                continue;
            }
            if !name.eq_ignore_ascii_case(NAME) {
                return Err(format!(
                    "the server accepted extension `{name}`, which was not offered"
                ));
            }
            if !settings.enabled {
                return Err(format!(
                    "the server accepted `{NAME}`, which was not offered (compression is off)"
                ));
            }
            if agreed.is_some() {
                return Err(format!("the server accepted `{NAME}` twice"));
            }
            agreed = Some(parameters(settings, parts)?);
        }
    }
    Ok(agreed)
}

/// One accepted `permessage-deflate` element's parameters, checked against the offer.
fn parameters<'a>(
    settings: &Compression,
    params: impl Iterator<Item = &'a str>,
) -> Result<Negotiated, String> {
    let mut seen: Vec<String> = Vec::new();
    let mut agreed = Negotiated {
        server_no_context_takeover: false,
        client_no_context_takeover: settings.client_no_context_takeover,
        server_max_window_bits: 15,
        client_max_window_bits: settings.client_max_window_bits.unwrap_or(15),
    };
    for param in params {
        let (name, value) = match param.split_once('=') {
            Some((name, value)) => (name.trim(), Some(unquote(value.trim()))),
            None => (param.trim(), None),
        };
        let lower = name.to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(format!("the server's `{NAME}` repeats `{name}`"));
        }
        seen.push(lower.clone());
        let no_value = |value: Option<&str>| match value {
            None => Ok(()),
            Some(value) => Err(format!(
                "the server's `{NAME}` gives `{name}` a value (`{value}`), which it does not take"
            )),
        };
        let bits = |value: Option<&str>| -> Result<u8, String> {
            let value = value.unwrap_or_default();
            match value.parse::<u8>() {
                Ok(bits) if WINDOW_BITS.contains(&bits) && !value.starts_with(['0', '+']) => {
                    Ok(bits)
                }
                _ => Err(format!(
                    "the server's `{NAME}` has an invalid `{name}={value}` (8..15 expected)"
                )),
            }
        };
        match lower.as_str() {
            "server_no_context_takeover" => {
                no_value(value)?;
                agreed.server_no_context_takeover = true;
            }
            "client_no_context_takeover" => {
                no_value(value)?;
                agreed.client_no_context_takeover = true;
            }
            "server_max_window_bits" => {
                let bits = bits(value)?;
                if let Some(asked) = settings.server_max_window_bits
                    && bits > asked
                {
                    return Err(format!(
                        "the server's `{NAME}` has `server_max_window_bits={bits}`, over the {asked} offered"
                    ));
                }
                agreed.server_max_window_bits = bits;
            }
            "client_max_window_bits" => {
                // Always offered (with or without a value), so the server may answer it.
                let bits = bits(value)?;
                if let Some(offered) = settings.client_max_window_bits
                    && bits > offered
                {
                    return Err(format!(
                        "the server's `{NAME}` has `client_max_window_bits={bits}`, over the {offered} offered"
                    ));
                }
                agreed.client_max_window_bits = bits;
            }
            _ => {
                return Err(format!(
                    "the server's `{NAME}` has parameter `{name}`, which was not offered"
                ));
            }
        }
    }
    // RFC 7692 §7.1.1.1 and §7.1.2.1: what we asked of the server it must confirm.
    if settings.server_no_context_takeover && !agreed.server_no_context_takeover {
        return Err(format!(
            "the server accepted `{NAME}` without the server_no_context_takeover that was offered"
        ));
    }
    if let Some(asked) = settings.server_max_window_bits
        && !seen.iter().any(|p| p == "server_max_window_bits")
    {
        return Err(format!(
            "the server accepted `{NAME}` without the server_max_window_bits={asked} that was offered"
        ));
    }
    Ok(agreed)
}

/// Splits at `separator`, not inside double quotes; parts are trimmed.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (at, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(text[start..at].trim());
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// Why a message could not be inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The message inflates past the limit: at least `size` bytes.
    TooBig { size: u64 },
    /// The data is not valid deflate.
    Corrupt,
}

/// Inflates the server's compressed messages.
pub(crate) struct Inflater {
    raw: Decompress,
    /// What the current call produced.
    out: Vec<u8>,
    /// Reset the window after each message (the server said it does not keep its own).
    reset_per_message: bool,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("reset_per_message", &self.reset_per_message)
            .finish_non_exhaustive()
    }
}

impl Inflater {
    pub(crate) fn new(agreed: &Negotiated) -> Self {
        // A 32 KiB window inflates whatever a smaller one produced.
        Self {
            raw: Decompress::new(false),
            out: Vec::new(),
            reset_per_message: agreed.server_no_context_takeover,
        }
    }

    /// Inflates one frame's payload (plus the message tail when `last`) and returns what it
    /// produced. `room` is how much the message may still grow: producing more is
    /// `TooBig` (with `used`, what earlier fragments produced, counted in its size).
    pub(crate) fn inflate(
        &mut self,
        payload: &[u8],
        last: bool,
        used: usize,
        room: usize,
    ) -> Result<&[u8], InflateError> {
        self.out.clear();
        let result = self.feed(payload, used, room).and_then(|()| {
            if last {
                self.feed(&TAIL, used, room)
            } else {
                Ok(())
            }
        });
        if last && self.reset_per_message || result.is_err() {
            self.raw.reset(false);
        }
        if self.out.capacity() > 4 * INFLATE_STEP && result.is_err() {
            self.out = Vec::new();
        }
        result.map(|()| self.out.as_slice())
    }

    fn feed(&mut self, mut input: &[u8], used: usize, room: usize) -> Result<(), InflateError> {
        loop {
            if self.out.capacity() == self.out.len() {
                // Never more room than the limit allows, plus one byte to see it crossed.
                let allowed = room.saturating_add(1).saturating_sub(self.out.len());
                let step = self.out.capacity().clamp(256, INFLATE_STEP).min(allowed);
                if step == 0 {
                    return Err(self.too_big(used));
                }
                self.out.reserve_exact(step);
            }
            let before_in = self.raw.total_in();
            let before_out = self.raw.total_out();
            let status = self
                .raw
                .decompress_vec(input, &mut self.out, FlushDecompress::Sync)
                .map_err(|_| InflateError::Corrupt)?;
            let took = (self.raw.total_in() - before_in) as usize;
            let gave = self.raw.total_out() - before_out;
            input = &input[took..];
            if self.out.len() > room {
                return Err(self.too_big(used));
            }
            match status {
                // A final block ends this deflate stream; the next message starts a new one.
                Status::StreamEnd => {
                    self.raw.reset(false);
                    return Ok(());
                }
                _ if input.is_empty() && self.out.len() < self.out.capacity() => return Ok(()),
                _ if took == 0 && gave == 0 && self.out.len() < self.out.capacity() => {
                    // No progress with input and room left: the data is broken.
                    return Err(InflateError::Corrupt);
                }
                _ => {}
            }
        }
    }

    fn too_big(&mut self, used: usize) -> InflateError {
        InflateError::TooBig {
            size: (used + self.out.len()) as u64,
        }
    }
}

/// Compresses our outgoing messages.
pub(crate) struct Deflater {
    /// `None` when the server's window limit is one zlib cannot honour: send uncompressed.
    raw: Option<Compress>,
    reset_per_message: bool,
}

impl std::fmt::Debug for Deflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deflater")
            .field("compresses", &self.raw.is_some())
            .finish_non_exhaustive()
    }
}

impl Deflater {
    pub(crate) fn new(agreed: &Negotiated) -> Self {
        let bits = agreed.client_max_window_bits;
        let raw = (9..=15)
            .contains(&bits)
            .then(|| Compress::new_with_window_bits(flate2::Compression::default(), false, bits));
        Self {
            raw,
            reset_per_message: agreed.client_no_context_takeover,
        }
    }

    /// Compresses `payload` into `out` (cleared first). `false`: send this one uncompressed.
    pub(crate) fn deflate(&mut self, payload: &[u8], out: &mut Vec<u8>) -> bool {
        out.clear();
        let Some(raw) = self.raw.as_mut() else {
            return false;
        };
        if payload.is_empty() {
            // RFC 7692 §7.2.3.6: an empty message is one empty stored block's first byte.
            out.push(0x00);
            return true;
        }
        out.reserve(payload.len() / 2 + 64);
        let mut input = payload;
        let ok = loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            let before = raw.total_in();
            if raw.compress_vec(input, out, FlushCompress::Sync).is_err() {
                break false;
            }
            input = &input[(raw.total_in() - before) as usize..];
            // Done when all input went in and the flush had room to finish.
            if input.is_empty() && out.capacity() - out.len() >= 64 {
                break true;
            }
        };
        if !ok || !out.ends_with(&TAIL) {
            raw.reset();
            out.clear();
            return false;
        }
        out.truncate(out.len() - TAIL.len());
        if self.reset_per_message {
            raw.reset();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Compression {
        Compression::default()
    }

    #[test]
    fn offers_follow_the_settings() {
        assert_eq!(
            offer(&settings()).unwrap(),
            "permessage-deflate; client_max_window_bits"
        );
        let all = Compression {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: Some(10),
            client_max_window_bits: Some(12),
            ..settings()
        };
        assert_eq!(
            offer(&all).unwrap(),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12"
        );
        assert_eq!(offer(&Compression::off()), None);
        assert!(
            check_settings(&Compression {
                server_max_window_bits: Some(7),
                ..settings()
            })
            .unwrap_err()
            .contains("server_max_window_bits=7")
        );
    }

    #[test]
    fn answers_are_checked_against_the_offer() {
        let ok = negotiate(&settings(), ["permessage-deflate"])
            .unwrap()
            .unwrap();
        assert_eq!(ok.server_max_window_bits, 15);
        assert_eq!(ok.client_max_window_bits, 15);
        let ok = negotiate(
            &settings(),
            [r#"permessage-deflate; server_no_context_takeover; client_max_window_bits="10""#],
        )
        .unwrap()
        .unwrap();
        assert!(ok.server_no_context_takeover);
        assert_eq!(ok.client_max_window_bits, 10);
        assert_eq!(
            ok.to_string(),
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=15; client_max_window_bits=10"
        );
        assert_eq!(negotiate(&settings(), [""]).unwrap(), None);
        let errors = [
            ("x-webkit-deflate-frame", "`x-webkit-deflate-frame`"),
            ("permessage-deflate; foo", "parameter `foo`"),
            (
                "permessage-deflate; server_max_window_bits=16",
                "server_max_window_bits=16",
            ),
            (
                "permessage-deflate; client_max_window_bits",
                "client_max_window_bits=",
            ),
            ("permessage-deflate; server_max_window_bits=010", "=010"),
            (
                "permessage-deflate; server_no_context_takeover=1",
                "does not take",
            ),
            (
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                "repeats",
            ),
            ("permessage-deflate, permessage-deflate", "twice"),
        ];
        for (answer, named) in errors {
            let err = negotiate(&settings(), [answer]).unwrap_err();
            assert!(err.contains(named), "{answer}: {err}");
        }
        let err = negotiate(&Compression::off(), ["permessage-deflate"]).unwrap_err();
        assert!(err.contains("not offered"), "{err}");
        let asked = Compression {
            server_no_context_takeover: true,
            server_max_window_bits: Some(10),
            client_max_window_bits: Some(11),
            ..settings()
        };
        for (answer, named) in [
            (
                "permessage-deflate; server_max_window_bits=10",
                "server_no_context_takeover",
            ),
            (
                "permessage-deflate; server_no_context_takeover",
                "server_max_window_bits=10",
            ),
            (
                "permessage-deflate; server_no_context_takeover; server_max_window_bits=11",
                "over the 10",
            ),
            (
                "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=12",
                "over the 11",
            ),
        ] {
            let err = negotiate(&asked, [answer]).unwrap_err();
            assert!(err.contains(named), "{answer}: {err}");
        }
    }

    fn agreed() -> Negotiated {
        negotiate(&settings(), ["permessage-deflate"])
            .unwrap()
            .unwrap()
    }

    #[test]
    fn deflated_messages_inflate_back_with_and_without_context_takeover() {
        for reset in [false, true] {
            let agreed = Negotiated {
                server_no_context_takeover: reset,
                client_no_context_takeover: reset,
                ..agreed()
            };
            let mut deflater = Deflater::new(&agreed);
            let mut inflater = Inflater::new(&agreed);
            let mut wire = Vec::new();
            for i in 0..50 {
                let message = format!("{{\"n\":{i},\"text\":\"hello hello hello\"}}").repeat(i);
                assert!(deflater.deflate(message.as_bytes(), &mut wire));
                let back = inflater.inflate(&wire, true, 0, usize::MAX).unwrap();
                assert_eq!(back, message.as_bytes());
            }
        }
    }

    #[test]
    fn a_window_of_8_bits_sends_uncompressed() {
        let agreed = Negotiated {
            client_max_window_bits: 8,
            ..agreed()
        };
        let mut out = Vec::new();
        assert!(!Deflater::new(&agreed).deflate(b"abc", &mut out));
    }

    #[test]
    fn inflating_stops_at_the_limit() {
        let zeros = vec![0u8; 10 << 20];
        let mut wire = Vec::new();
        assert!(Deflater::new(&agreed()).deflate(&zeros, &mut wire));
        assert!(wire.len() < 20_000, "{}", wire.len());
        let mut inflater = Inflater::new(&agreed());
        let err = inflater.inflate(&wire, true, 100, 1 << 20).unwrap_err();
        assert_eq!(
            err,
            InflateError::TooBig {
                size: (1 << 20) + 101
            }
        );
        assert!(inflater.out.capacity() <= (1 << 20) + INFLATE_STEP);
        assert_eq!(
            Inflater::new(&agreed()).inflate(&[0xff, 0xff, 0xff], true, 0, 100),
            Err(InflateError::Corrupt)
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Splits `data` at the given fractions (fragment boundaries).
        fn split(data: &[u8], cuts: &[u16]) -> Vec<Vec<u8>> {
            let mut at: Vec<usize> = cuts
                .iter()
                .map(|c| usize::from(*c) * data.len() / usize::from(u16::MAX))
                .collect();
            at.sort_unstable();
            let mut parts = Vec::new();
            let mut start = 0;
            for end in at.into_iter().chain([data.len()]) {
                parts.push(data[start..end].to_vec());
                start = end;
            }
            parts
        }

        fn messages() -> impl Strategy<Value = Vec<Vec<u8>>> {
            let text = "[a-z{}\":, ]{0,300}".prop_map(String::into_bytes);
            let bytes = prop::collection::vec(any::<u8>(), 0..300);
            prop::collection::vec(prop_oneof![text, bytes], 1..8)
        }

        proptest! {
            #[test]
            fn what_is_deflated_inflates_back_across_any_fragmenting(
                messages in messages(),
                cuts in prop::collection::vec(any::<u16>(), 0..5),
                reset: bool,
                bits in 9u8..=15,
            ) {
                let agreed = Negotiated {
                    server_no_context_takeover: reset,
                    client_no_context_takeover: reset,
                    server_max_window_bits: bits,
                    client_max_window_bits: bits,
                };
                let mut deflater = Deflater::new(&agreed);
                let mut inflater = Inflater::new(&agreed);
                for message in messages {
                    let mut wire = Vec::new();
                    prop_assert!(deflater.deflate(&message, &mut wire));
                    let parts = split(&wire, &cuts);
                    let mut back = Vec::new();
                    for (i, part) in parts.iter().enumerate() {
                        let last = i + 1 == parts.len();
                        let out = inflater.inflate(part, last, back.len(), usize::MAX).unwrap();
                        back.extend_from_slice(out);
                    }
                    prop_assert_eq!(back, message);
                }
            }

            #[test]
            fn random_input_never_panics_and_never_exceeds_the_limit(
                frames in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 1..6),
                room in 0usize..2000,
            ) {
                let mut inflater = Inflater::new(&Negotiated {
                    server_no_context_takeover: false,
                    client_no_context_takeover: false,
                    server_max_window_bits: 15,
                    client_max_window_bits: 15,
                });
                let mut used = 0;
                for (i, frame) in frames.iter().enumerate() {
                    let last = i + 1 == frames.len();
                    match inflater.inflate(frame, last, used, room - used) {
                        Ok(out) => {
                            used += out.len();
                            prop_assert!(used <= room);
                        }
                        Err(InflateError::TooBig { size }) => {
                            prop_assert!(size > room as u64);
                            break;
                        }
                        Err(InflateError::Corrupt) => break,
                    }
                    prop_assert!(inflater.out.capacity() <= room + 1 + INFLATE_STEP);
                }
            }
        }
    }
}
