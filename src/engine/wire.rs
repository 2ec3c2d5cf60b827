//! RFC 6455 framing, client side, written for the receive path's speed.
//!
//! [`Reader`] parses every complete frame a read delivered in one pass. Unfragmented messages
//! (nearly all of them) are not copied: the bytes a read filled are frozen into one shared
//! [`Bytes`] chunk and each payload is a slice of it, so a million small messages cost a few
//! hundred chunk allocations, not a million. Fragmented messages are assembled (one copy) and
//! their UTF-8 is checked fragment by fragment, so invalid text fails as soon as it arrives.
//!
//! [`encode`] writes one masked client frame.
//!
//! Frames are typed with [`OpCode`]; every violation is a [`ProtocolError`] that knows the
//! close code to fail the connection with.

use bytes::{Bytes, BytesMut};

use super::close_code::CloseCode;
use super::event::Opcode;
use super::opcode::OpCode;
use super::protocol_error::ProtocolError;

/// How much a read may fill at most; chunks of this size hold the payloads of small messages.
const READ_CHUNK: usize = 256 * 1024;
/// The most room made ahead for a frame on the strength of its header alone (beyond what
/// has already arrived of it).
const MAX_PREALLOC: usize = 16 * 1024 * 1024;
/// Below this much spare room a new chunk is started before reading.
const MIN_READ_ROOM: usize = 4 * 1024;

/// One complete thing the server sent.
#[derive(Debug, PartialEq)]
pub(crate) enum Item {
    Message {
        opcode: Opcode,
        payload: Bytes,
    },
    Ping(Bytes),
    Pong(Bytes),
    /// The server's close frame: code (1005 when it sent none) and reason, both validated.
    Close {
        code: CloseCode,
        reason: String,
    },
}

/// A complete frame found in the buffer: where its payload is, relative to the chunk start.
#[derive(Debug, Clone, Copy)]
struct FrameRef {
    fin: bool,
    opcode: OpCode,
    start: usize,
    end: usize,
}

/// The frame after the complete ones, when its header is complete but not its payload.
#[derive(Debug, Clone, Copy)]
struct Incomplete {
    missing: usize,
    header: usize,
    opcode: OpCode,
}

/// A fragmented message being assembled.
#[derive(Debug)]
struct Partial {
    opcode: Opcode,
    data: BytesMut,
    /// How much of `data` is known to be valid UTF-8 (text only).
    checked: usize,
}

/// Parses server frames from what reads deliver.
#[derive(Debug)]
pub(crate) struct Reader {
    buf: BytesMut,
    max_message: usize,
    partial: Option<Partial>,
    frames: Vec<FrameRef>,
    /// How much of the incomplete text frame at the buffer's start was checked as UTF-8.
    streamed: usize,
    /// Set once a close frame or an error was seen: later bytes are ignored.
    done: bool,
}

impl Reader {
    /// `tail` is what the handshake read past the 101 response; `max_message` 0 = unlimited.
    pub(crate) fn new(tail: &[u8], max_message: u64) -> Self {
        let mut buf = BytesMut::with_capacity(READ_CHUNK.max(tail.len()));
        buf.extend_from_slice(tail);
        Self {
            buf,
            max_message: match max_message {
                0 => usize::MAX,
                n => usize::try_from(n).unwrap_or(usize::MAX),
            },
            partial: None,
            frames: Vec::new(),
            streamed: 0,
            done: false,
        }
    }

    /// The buffer the next read appends to, with room made for it.
    pub(crate) fn read_buffer(&mut self) -> &mut BytesMut {
        self.ensure_room(MIN_READ_ROOM);
        &mut self.buf
    }

    /// Makes room for `need` more bytes. The filled part of the old chunk is shared with
    /// payloads already handed out, so a new chunk starts (with the unparsed bytes copied
    /// over) and the old one lives exactly as long as those payloads. Done by hand rather
    /// than with `BytesMut::reserve`, whose new allocation for a shared buffer can be much
    /// smaller than a chunk.
    fn ensure_room(&mut self, need: usize) {
        if self.buf.capacity() - self.buf.len() >= need {
            return;
        }
        let mut fresh =
            BytesMut::with_capacity(self.buf.len().saturating_add(need).max(READ_CHUNK));
        fresh.extend_from_slice(&self.buf);
        self.buf = fresh;
    }

    /// Hands every complete frame in the buffer to `out`, in order. Items before an error
    /// are still handed out; after an error or a close frame nothing more is parsed.
    pub(crate) fn parse(&mut self, mut out: impl FnMut(Item)) -> Result<(), ProtocolError> {
        if self.done {
            self.buf.clear();
            return Ok(());
        }
        self.frames.clear();
        let (consumed, scan_error, incomplete) = self.scan();
        let chunk = self.buf.split_to(consumed).freeze();
        if consumed > 0 {
            // The frame whose text was being checked as it arrived is complete.
            self.streamed = 0;
        }
        if let Some(incomplete) = &incomplete {
            // Room for the rest of an incomplete frame, so it arrives in one buffer; a length
            // nobody has sent yet is not trusted with more than doubling what has arrived.
            let ahead = incomplete.missing.min(self.buf.len().max(MAX_PREALLOC));
            self.ensure_room(ahead);
        }
        let frames = std::mem::take(&mut self.frames);
        let mut result = Ok(());
        for frame in &frames {
            match self.frame(&chunk, frame) {
                Ok(Some(item)) => {
                    let close = matches!(item, Item::Close { .. });
                    out(item);
                    if close {
                        self.done = true;
                        break;
                    }
                }
                Ok(None) => {}
                Err(err) => {
                    result = Err(err);
                    break;
                }
            }
        }
        self.frames = frames;
        if result.is_ok()
            && !self.done
            && let Some(err) = scan_error
        {
            result = Err(err);
        }
        if result.is_ok()
            && !self.done
            && let Some(incomplete) = incomplete
            && incomplete.opcode == OpCode::Text
        {
            // Fail fast: the text of a message's first frame is checked as it arrives.
            let arrived = &self.buf[incomplete.header..];
            match std::str::from_utf8(&arrived[self.streamed..]) {
                Ok(_) => self.streamed = arrived.len(),
                Err(err) if err.error_len().is_some() => {
                    result = Err(ProtocolError::InvalidUtf8Text);
                }
                Err(err) => self.streamed += err.valid_up_to(),
            }
        }
        if result.is_err() {
            self.done = true;
        }
        if self.done {
            self.buf.clear();
        }
        result
    }

    /// Finds the complete frames at the start of the buffer; checks each header.
    /// Returns how many bytes they take, the error that stopped the scan, if any, and how
    /// many bytes the incomplete frame after them still lacks, when its header is complete.
    fn scan(&mut self) -> (usize, Option<ProtocolError>, Option<Incomplete>) {
        let mut pos = 0;
        // Whether a fragmented message is open at this point of the scan, and its size so far.
        let mut open = self.partial.as_ref().map(|p| p.data.len() as u64);
        loop {
            let rest = &self.buf[pos..];
            let header = match parse_header(rest) {
                Ok(Some(header)) => header,
                Ok(None) => return (pos, None, None),
                Err(err) => return (pos, Some(err), None),
            };
            if let Err(err) = check_sequence(&header, &mut open, self.max_message) {
                return (pos, Some(err), None);
            }
            let total = header.len as u64 + header.payload;
            if (rest.len() as u64) < total {
                let missing = usize::try_from(total).unwrap_or(usize::MAX) - rest.len();
                let incomplete = Incomplete {
                    missing,
                    header: header.len,
                    opcode: header.opcode,
                };
                return (pos, None, Some(incomplete));
            }
            let start = pos + header.len;
            let end = start + header.payload as usize;
            self.frames.push(FrameRef {
                fin: header.fin,
                opcode: header.opcode,
                start,
                end,
            });
            pos = end;
            if header.opcode == OpCode::Close {
                return (pos, None, None);
            }
        }
    }

    /// Turns one complete frame into an item (or into part of a fragmented message).
    fn frame(&mut self, chunk: &Bytes, frame: &FrameRef) -> Result<Option<Item>, ProtocolError> {
        let payload = &chunk[frame.start..frame.end];
        match frame.opcode {
            OpCode::Text | OpCode::Binary => {
                let opcode = if frame.opcode == OpCode::Text {
                    Opcode::Text
                } else {
                    Opcode::Binary
                };
                if frame.fin {
                    if opcode == Opcode::Text && std::str::from_utf8(payload).is_err() {
                        return Err(ProtocolError::InvalidUtf8Text);
                    }
                    return Ok(Some(Item::Message {
                        opcode,
                        payload: chunk.slice(frame.start..frame.end),
                    }));
                }
                let mut partial = Partial {
                    opcode,
                    data: BytesMut::from(payload),
                    checked: 0,
                };
                partial.check(false)?;
                self.partial = Some(partial);
                Ok(None)
            }
            OpCode::Continuation => {
                let Some(partial) = self.partial.as_mut() else {
                    return Err(ProtocolError::UnexpectedContinuation);
                };
                partial.data.extend_from_slice(payload);
                partial.check(frame.fin)?;
                if !frame.fin {
                    return Ok(None);
                }
                let Some(partial) = self.partial.take() else {
                    return Ok(None);
                };
                Ok(Some(Item::Message {
                    opcode: partial.opcode,
                    payload: partial.data.freeze(),
                }))
            }
            OpCode::Ping => Ok(Some(Item::Ping(chunk.slice(frame.start..frame.end)))),
            OpCode::Pong => Ok(Some(Item::Pong(chunk.slice(frame.start..frame.end)))),
            OpCode::Close => close_item(payload).map(Some),
        }
    }
}

impl Partial {
    /// Checks the UTF-8 of what arrived since the last check; `last` when the message is whole.
    fn check(&mut self, last: bool) -> Result<(), ProtocolError> {
        if self.opcode != Opcode::Text {
            return Ok(());
        }
        match std::str::from_utf8(&self.data[self.checked..]) {
            Ok(_) => self.checked = self.data.len(),
            // An invalid sequence, or a sequence cut off at the end of the whole message.
            Err(err) if err.error_len().is_some() || last => {
                return Err(ProtocolError::InvalidUtf8Text);
            }
            // A character split across fragments: check it once the next one arrives.
            Err(err) => self.checked += err.valid_up_to(),
        }
        Ok(())
    }
}

/// A frame header as read off the wire.
#[derive(Debug, Clone, Copy)]
struct Header {
    fin: bool,
    opcode: OpCode,
    /// Header bytes (2, 4 or 10: server frames carry no mask).
    len: usize,
    payload: u64,
}

/// Reads the header at the start of `rest`: `None` until all of it has arrived.
fn parse_header(rest: &[u8]) -> Result<Option<Header>, ProtocolError> {
    let [b0, b1, ..] = *rest else {
        return Ok(None);
    };
    if b0 & 0x70 != 0 {
        return Err(ProtocolError::ReservedBits);
    }
    if b1 & 0x80 != 0 {
        return Err(ProtocolError::MaskedFrame);
    }
    let (len, payload) = match b1 & 0x7F {
        126 => match rest.get(2..4) {
            Some(be) => (4, u64::from(u16::from_be_bytes([be[0], be[1]]))),
            None => return Ok(None),
        },
        127 => match rest.get(2..10) {
            Some(be) => {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(be);
                (10, u64::from_be_bytes(bytes))
            }
            None => return Ok(None),
        },
        n => (2, u64::from(n)),
    };
    if payload >> 63 != 0 {
        return Err(ProtocolError::FrameLengthOverflow);
    }
    // Checked once the header is complete (a reserved opcode waits for its length like any
    // frame) and before the sequence checks, which need a real opcode.
    let opcode = OpCode::try_from(b0 & 0x0F)?;
    Ok(Some(Header {
        fin: b0 & 0x80 != 0,
        opcode,
        len,
        payload,
    }))
}

/// Checks a frame against what came before it: control-frame rules, fragment order, and the
/// size limit. `open` is the size of the fragmented message in progress, if one is.
fn check_sequence(
    header: &Header,
    open: &mut Option<u64>,
    max: usize,
) -> Result<(), ProtocolError> {
    let too_big = |size: u64| {
        if size > max as u64 {
            Err(ProtocolError::TooBig { size, max })
        } else {
            Ok(())
        }
    };
    match header.opcode {
        control if control.is_control() && !header.fin => Err(ProtocolError::FragmentedControl),
        control if control.is_control() && header.payload > 125 => {
            Err(ProtocolError::ControlTooLong)
        }
        OpCode::Close | OpCode::Ping | OpCode::Pong => Ok(()),
        OpCode::Text | OpCode::Binary if open.is_some() => {
            Err(ProtocolError::MessageInsideFragmented)
        }
        OpCode::Text | OpCode::Binary => {
            too_big(header.payload)?;
            *open = (!header.fin).then_some(header.payload);
            Ok(())
        }
        OpCode::Continuation => {
            let Some(so_far) = *open else {
                return Err(ProtocolError::UnexpectedContinuation);
            };
            let size = so_far.saturating_add(header.payload);
            too_big(size)?;
            *open = (!header.fin).then_some(size);
            Ok(())
        }
    }
}

/// Reads a close frame's payload: nothing (1005), or a valid code and a UTF-8 reason.
fn close_item(payload: &[u8]) -> Result<Item, ProtocolError> {
    match payload {
        [] => Ok(Item::Close {
            code: CloseCode::NO_STATUS,
            reason: String::new(),
        }),
        [_] => Err(ProtocolError::OneByteClose),
        [hi, lo, reason @ ..] => {
            let code = CloseCode(u16::from_be_bytes([*hi, *lo]));
            if !code.is_allowed() {
                return Err(ProtocolError::InvalidCloseCode(code.0));
            }
            let reason =
                std::str::from_utf8(reason).map_err(|_| ProtocolError::InvalidUtf8CloseReason)?;
            Ok(Item::Close {
                code,
                reason: reason.to_owned(),
            })
        }
    }
}

/// Appends one masked client frame (FIN set) to `out`.
pub(crate) fn encode(opcode: OpCode, payload: &[u8], out: &mut Vec<u8>) {
    out.reserve(payload.len() + 14);
    push_header(out, opcode, true, payload.len());
    let mask: [u8; 4] = rand::random();
    out.extend_from_slice(&mask);
    let start = out.len();
    out.extend_from_slice(payload);
    apply_mask(&mut out[start..], mask);
}

/// Appends the header of a final (FIN) frame of `len` bytes: the opcode, then the length (with
/// the mask bit for a client frame; the 4-byte mask key itself is the caller's). Server frames
/// (`masked` false) are what `wsprobe serve` writes.
pub(crate) fn push_header(out: &mut Vec<u8>, opcode: OpCode, masked: bool, len: usize) {
    push_raw_header(out, 0x80 | opcode as u8, masked, len);
}

/// [`push_header`] with the first byte as given: the tests write with it any frame a hostile
/// server could (no FIN, reserved bits or opcodes).
fn push_raw_header(out: &mut Vec<u8>, first: u8, masked: bool, len: usize) {
    let mask_bit = if masked { 0x80 } else { 0 };
    out.push(first);
    match len {
        0..=125 => out.push(mask_bit | len as u8),
        126..=0xFFFF => {
            out.push(mask_bit | 126);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        _ => {
            out.push(mask_bit | 127);
            out.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
}

/// XORs `data` with the repeating 4-byte `mask` (eight bytes at a time).
fn apply_mask(data: &mut [u8], mask: [u8; 4]) {
    let wide = u64::from_ne_bytes([
        mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
    ]);
    let mut chunks = data.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        chunk.copy_from_slice(&(u64::from_ne_bytes(word) ^ wide).to_ne_bytes());
    }
    for (i, byte) in chunks.into_remainder().iter_mut().enumerate() {
        *byte ^= mask[i % 4];
    }
}

/// A close frame's payload: the code and a reason (cut to fit the 125-byte control limit).
pub(crate) fn close_payload(code: CloseCode, reason: &str) -> Vec<u8> {
    let mut payload = code.0.to_be_bytes().to_vec();
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    payload.extend_from_slice(&reason.as_bytes()[..end]);
    payload
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_frame(b0: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        push_raw_header(&mut out, b0, false, payload.len());
        out.extend_from_slice(payload);
        out
    }

    fn feed(reader: &mut Reader, bytes: &[u8]) -> (Vec<Item>, Result<(), ProtocolError>) {
        reader.read_buffer().extend_from_slice(bytes);
        let mut items = Vec::new();
        let result = reader.parse(|item| items.push(item));
        (items, result)
    }

    fn text(s: &str) -> Item {
        Item::Message {
            opcode: Opcode::Text,
            payload: Bytes::copy_from_slice(s.as_bytes()),
        }
    }

    #[test]
    fn many_frames_in_one_read_and_frames_split_across_reads() {
        let mut reader = Reader::new(&[], 0);
        let mut wire = Vec::new();
        for i in 0..1000 {
            wire.extend(server_frame(0x81, format!("m{i}").as_bytes()));
        }
        wire.extend(server_frame(0x82, &vec![7u8; 70_000]));
        let mut items = Vec::new();
        // Deliver in awkward pieces: 1, 2, 3, ... bytes at a time.
        let mut at = 0;
        let mut step = 1;
        while at < wire.len() {
            let end = (at + step).min(wire.len());
            let (got, result) = feed(&mut reader, &wire[at..end]);
            result.unwrap();
            items.extend(got);
            at = end;
            step = step % 300 + 1;
        }
        assert_eq!(items.len(), 1001);
        assert_eq!(items[0], text("m0"));
        assert_eq!(items[999], text("m999"));
        assert!(
            matches!(&items[1000], Item::Message { opcode: Opcode::Binary, payload } if payload.len() == 70_000)
        );
    }

    #[test]
    fn fragments_are_assembled_with_control_frames_between() {
        let mut reader = Reader::new(&[], 0);
        let mut wire = server_frame(0x01, "héllo ".as_bytes());
        wire.extend(server_frame(0x89, b"p"));
        // "wörld" with the ö split across two fragments.
        let word = "wörld".as_bytes();
        wire.extend(server_frame(0x00, &word[..2]));
        wire.extend(server_frame(0x80, &word[2..]));
        let (items, result) = feed(&mut reader, &wire);
        result.unwrap();
        assert_eq!(
            items,
            vec![Item::Ping(Bytes::from_static(b"p")), text("héllo wörld")]
        );
    }

    #[test]
    fn invalid_utf8_fails_at_the_fragment_that_carries_it() {
        let mut reader = Reader::new(&[], 0);
        let (items, result) = feed(&mut reader, &server_frame(0x01, b"ok \xff"));
        assert!(items.is_empty());
        assert!(matches!(result, Err(ProtocolError::InvalidUtf8Text)));
        // A sequence cut off at the end of the whole message is invalid too.
        let mut reader = Reader::new(&[], 0);
        let (_, result) = feed(
            &mut reader,
            &server_frame(0x81, "é".as_bytes()[..1].as_ref()),
        );
        assert!(matches!(result, Err(ProtocolError::InvalidUtf8Text)));
    }

    #[test]
    fn invalid_utf8_fails_before_the_frame_is_complete() {
        let mut reader = Reader::new(&[], 0);
        let mut wire = server_frame(0x81, "κόσμε \u{1F600} ok".as_bytes());
        let valid = wire.len();
        wire.extend(server_frame(
            0x81,
            b"abc\xF0\x9F\x98\x28 and much more text after it",
        ));
        // The valid message, then the bad one's first bytes: valid so far, then a split
        // 4-byte sequence, then the byte that makes it invalid.
        let (items, result) = feed(&mut reader, &wire[..valid + 2 + 4]);
        result.unwrap();
        assert_eq!(items.len(), 1);
        let (_, result) = feed(&mut reader, &wire[valid + 6..valid + 8]);
        result.unwrap();
        let (_, result) = feed(&mut reader, &wire[valid + 8..valid + 9]);
        assert!(
            matches!(result, Err(ProtocolError::InvalidUtf8Text)),
            "{result:?}"
        );
        // A character split across reads inside one frame is fine.
        let mut reader = Reader::new(&[], 0);
        let wire = server_frame(0x81, "ab€cd".as_bytes());
        let mut items = Vec::new();
        for byte in &wire {
            let (got, result) = feed(&mut reader, std::slice::from_ref(byte));
            result.unwrap();
            items.extend(got);
        }
        assert_eq!(items, vec![text("ab€cd")]);
    }

    #[test]
    fn protocol_errors_keep_the_messages_before_them() {
        let cases: [(&[u8], &str); 6] = [
            (&[0xC1, 0x00], "reserved bits"),
            (&[0x83, 0x00], "reserved opcode"),
            (&[0x80, 0x00], "continuation"),
            (&[0x09, 0x00], "fragmented control"),
            (&[0x81, 0x80, 0, 0, 0, 0], "masked"),
            (&[0x88, 0x01, 0x03], "1-byte"),
        ];
        for (bad, what) in cases {
            let mut reader = Reader::new(&[], 0);
            let mut wire = server_frame(0x81, b"before");
            wire.extend_from_slice(bad);
            let (items, result) = feed(&mut reader, &wire);
            assert_eq!(items, vec![text("before")], "{what}");
            match result {
                Err(err) if err.close_code() == CloseCode::PROTOCOL_ERROR => {
                    let message = err.to_string();
                    assert!(message.contains(what), "{message}");
                }
                other => panic!("{what}: {other:?}"),
            }
        }
    }

    #[test]
    fn close_codes_and_reasons_are_checked() {
        let close = |payload: &[u8]| {
            let mut reader = Reader::new(&[], 0);
            let (items, result) = feed(&mut reader, &server_frame(0x88, payload));
            result.map(|()| items)
        };
        assert_eq!(
            close(b"").unwrap(),
            vec![Item::Close {
                code: CloseCode::NO_STATUS,
                reason: String::new()
            }]
        );
        let mut ok = 1001u16.to_be_bytes().to_vec();
        ok.extend_from_slice("bye ✓".as_bytes());
        assert_eq!(
            close(&ok).unwrap(),
            vec![Item::Close {
                code: CloseCode::GOING_AWAY,
                reason: "bye ✓".into()
            }]
        );
        for bad in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] {
            assert_eq!(
                close(&bad.to_be_bytes()),
                Err(ProtocolError::InvalidCloseCode(bad)),
                "{bad}"
            );
        }
        let mut bad_reason = 1000u16.to_be_bytes().to_vec();
        bad_reason.push(0xFF);
        assert_eq!(
            close(&bad_reason),
            Err(ProtocolError::InvalidUtf8CloseReason)
        );
    }

    #[test]
    fn nothing_after_a_close_frame_is_read() {
        let mut reader = Reader::new(&[], 0);
        let mut wire = server_frame(0x88, &1000u16.to_be_bytes());
        wire.extend(server_frame(0x81, b"late"));
        let (items, result) = feed(&mut reader, &wire);
        result.unwrap();
        assert_eq!(items.len(), 1);
        let (items, result) = feed(&mut reader, &server_frame(0x81, b"later"));
        result.unwrap();
        assert!(items.is_empty());
    }

    #[test]
    fn size_limit_applies_to_frames_and_to_assembled_messages() {
        let mut reader = Reader::new(&[], 10);
        let (_, result) = feed(&mut reader, &server_frame(0x81, &[b'a'; 11]));
        assert_eq!(result, Err(ProtocolError::TooBig { size: 11, max: 10 }));
        let mut reader = Reader::new(&[], 10);
        let mut wire = server_frame(0x01, &[b'a'; 6]);
        wire.extend(server_frame(0x80, &[b'a'; 6]));
        let (_, result) = feed(&mut reader, &wire);
        assert_eq!(result, Err(ProtocolError::TooBig { size: 12, max: 10 }));
        // Checked from the header alone: a huge frame is refused before it arrives.
        let mut reader = Reader::new(&[], 10);
        let (_, result) = feed(&mut reader, &[0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(
            result,
            Err(ProtocolError::TooBig {
                size: 1 << 32,
                max: 10
            })
        );
    }

    #[test]
    fn a_huge_announced_length_is_not_allocated_up_front() {
        // Unlimited size: a header claiming 2^40 bytes must not reserve a terabyte.
        let mut reader = Reader::new(&[], 0);
        let (items, result) = feed(&mut reader, &[0x82, 127, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3]);
        assert!(items.is_empty());
        result.unwrap();
        assert!(reader.buf.capacity() <= READ_CHUNK + MAX_PREALLOC + 16);
        // A big frame that really arrives still comes out whole.
        let mut reader = Reader::new(&[], 0);
        let payload = vec![9u8; 3 * MAX_PREALLOC];
        let wire = server_frame(0x82, &payload);
        let mut items = Vec::new();
        for piece in wire.chunks(1 << 20) {
            let (got, result) = feed(&mut reader, piece);
            result.unwrap();
            items.extend(got);
        }
        assert!(
            matches!(&items[..], [Item::Message { payload: p, .. }] if p.len() == payload.len())
        );
    }

    #[test]
    fn encoded_frames_are_masked_and_unmask_to_the_payload() {
        for len in [0usize, 5, 125, 126, 65_535, 65_536] {
            let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let mut out = Vec::new();
            encode(OpCode::Binary, &payload, &mut out);
            assert_eq!(out[0], 0x82);
            assert_ne!(out[1] & 0x80, 0, "mask bit");
            let (header, n) = match out[1] & 0x7F {
                126 => (4, u16::from_be_bytes([out[2], out[3]]) as usize),
                127 => (
                    10,
                    u64::from_be_bytes(out[2..10].try_into().unwrap()) as usize,
                ),
                n => (2, n as usize),
            };
            assert_eq!(n, len);
            let mask = [
                out[header],
                out[header + 1],
                out[header + 2],
                out[header + 3],
            ];
            let body: Vec<u8> = out[header + 4..]
                .iter()
                .enumerate()
                .map(|(i, b)| b ^ mask[i % 4])
                .collect();
            assert_eq!(body, payload);
        }
    }
}
