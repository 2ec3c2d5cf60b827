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
//! With permessage-deflate agreed ([`Reader::inflating`]), RSV1 on a message's first frame
//! marks it compressed: its fragments are inflated as they arrive (`deflate.rs`), the
//! maximum message size applies to the inflated size, and the item says how many payload
//! bytes the message took on the wire. RSV1 on a control or continuation frame is still a
//! protocol error.
//!
//! Frames are typed with [`OpCode`]; every violation is a [`ProtocolError`] that knows the
//! close code to fail the connection with.

use bytes::{Bytes, BytesMut};

use super::close_code::CloseCode;
use super::deflate::{InflateError, Inflater};
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
        /// For a compressed message: its payload bytes on the wire (all fragments).
        wire_size: Option<u64>,
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
    /// RSV1: a compressed message's first frame.
    compressed: bool,
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
    compressed: bool,
}

/// A fragmented message being assembled.
#[derive(Debug)]
struct Partial {
    opcode: Opcode,
    data: BytesMut,
    /// How much of `data` is known to be valid UTF-8 (text only).
    checked: usize,
    /// Compressed: `data` holds what the fragments so far inflated to.
    compressed: bool,
    /// Payload bytes of the fragments so far, as they came on the wire.
    wire: u64,
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
    /// Set when permessage-deflate was agreed.
    inflater: Option<Inflater>,
    /// Holds the inflated payloads of small compressed messages, each a slice of it.
    inflated: BytesMut,
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
            inflater: None,
            inflated: BytesMut::new(),
        }
    }

    /// Accepts compressed messages (RSV1) and inflates them with `inflater`.
    pub(crate) fn inflating(mut self, inflater: Inflater) -> Self {
        self.inflater = Some(inflater);
        self
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
            && !incomplete.compressed
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
        let mut open = self.partial.as_ref().map(|p| Open {
            wire: p.wire,
            compressed: p.compressed,
        });
        let deflate = self.inflater.is_some();
        loop {
            let rest = &self.buf[pos..];
            let header = match parse_header(rest, deflate) {
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
                    compressed: header.compressed,
                };
                return (pos, None, Some(incomplete));
            }
            let start = pos + header.len;
            let end = start + header.payload as usize;
            self.frames.push(FrameRef {
                fin: header.fin,
                compressed: header.compressed,
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
                if frame.compressed && frame.fin {
                    return self.inflate_whole(opcode, payload).map(Some);
                }
                if frame.fin {
                    if opcode == Opcode::Text && std::str::from_utf8(payload).is_err() {
                        return Err(ProtocolError::InvalidUtf8Text);
                    }
                    return Ok(Some(Item::Message {
                        opcode,
                        payload: chunk.slice(frame.start..frame.end),
                        wire_size: None,
                    }));
                }
                let mut partial = Partial {
                    opcode,
                    data: BytesMut::new(),
                    checked: 0,
                    compressed: frame.compressed,
                    wire: 0,
                };
                self.append(&mut partial, payload, false)?;
                partial.check(false)?;
                self.partial = Some(partial);
                Ok(None)
            }
            OpCode::Continuation => {
                let Some(mut partial) = self.partial.take() else {
                    return Err(ProtocolError::UnexpectedContinuation);
                };
                self.append(&mut partial, payload, frame.fin)?;
                partial.check(frame.fin)?;
                if !frame.fin {
                    self.partial = Some(partial);
                    return Ok(None);
                }
                Ok(Some(Item::Message {
                    opcode: partial.opcode,
                    wire_size: partial.compressed.then_some(partial.wire),
                    payload: partial.data.freeze(),
                }))
            }
            OpCode::Ping => Ok(Some(Item::Ping(chunk.slice(frame.start..frame.end)))),
            OpCode::Pong => Ok(Some(Item::Pong(chunk.slice(frame.start..frame.end)))),
            OpCode::Close => close_item(payload).map(Some),
        }
    }
}

impl Reader {
    /// Adds one fragment's payload to a message being assembled (inflated if compressed).
    fn append(
        &mut self,
        partial: &mut Partial,
        payload: &[u8],
        last: bool,
    ) -> Result<(), ProtocolError> {
        partial.wire += payload.len() as u64;
        if !partial.compressed {
            partial.data.extend_from_slice(payload);
            return Ok(());
        }
        let inflated = self.inflate(payload, last, partial.data.len())?;
        partial.data.extend_from_slice(inflated);
        Ok(())
    }

    /// An unfragmented compressed message: inflated into the shared chunk of small payloads
    /// (a big one keeps its own buffer).
    fn inflate_whole(&mut self, opcode: Opcode, payload: &[u8]) -> Result<Item, ProtocolError> {
        let wire_size = Some(payload.len() as u64);
        let max = self.max_message;
        let Some(inflater) = self.inflater.as_mut() else {
            return Err(ProtocolError::ReservedBits);
        };
        let inflated = inflater
            .inflate(payload, true, 0, max)
            .map_err(|err| inflate_error(err, max))?;
        if opcode == Opcode::Text && std::str::from_utf8(inflated).is_err() {
            return Err(ProtocolError::InvalidUtf8Text);
        }
        let payload = if inflated.len() > READ_CHUNK / 4 {
            Bytes::copy_from_slice(inflated)
        } else {
            if self.inflated.capacity() - self.inflated.len() < inflated.len() {
                self.inflated = BytesMut::with_capacity(READ_CHUNK);
            }
            self.inflated.extend_from_slice(inflated);
            self.inflated.split().freeze()
        };
        Ok(Item::Message {
            opcode,
            payload,
            wire_size,
        })
    }

    fn inflate(&mut self, payload: &[u8], last: bool, used: usize) -> Result<&[u8], ProtocolError> {
        let max = self.max_message;
        let Some(inflater) = self.inflater.as_mut() else {
            return Err(ProtocolError::ReservedBits);
        };
        inflater
            .inflate(payload, last, used, max.saturating_sub(used))
            .map_err(|err| inflate_error(err, max))
    }
}

fn inflate_error(err: InflateError, max: usize) -> ProtocolError {
    match err {
        InflateError::TooBig { size } => ProtocolError::InflatedTooBig { size, max },
        InflateError::Corrupt => ProtocolError::BadDeflateData,
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
    /// RSV1, allowed only with permessage-deflate.
    compressed: bool,
    opcode: OpCode,
    /// Header bytes (2, 4 or 10: server frames carry no mask).
    len: usize,
    payload: u64,
}

/// Reads the header at the start of `rest`: `None` until all of it has arrived. RSV1 is
/// allowed when `deflate` (permessage-deflate agreed).
fn parse_header(rest: &[u8], deflate: bool) -> Result<Option<Header>, ProtocolError> {
    let [b0, b1, ..] = *rest else {
        return Ok(None);
    };
    let reserved = if deflate { 0x30 } else { 0x70 };
    if b0 & reserved != 0 {
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
        compressed: b0 & 0x40 != 0,
        opcode,
        len,
        payload,
    }))
}

/// The fragmented message in progress during a scan.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// Its payload bytes on the wire so far.
    wire: u64,
    compressed: bool,
}

/// Checks a frame against what came before it: control-frame rules, fragment order, and the
/// size limit. `open` is the fragmented message in progress, if one is. A compressed
/// message's limit on the wire allows for deflate's overhead on data that does not
/// compress; its inflated size is checked as it inflates.
fn check_sequence(
    header: &Header,
    open: &mut Option<Open>,
    max: usize,
) -> Result<(), ProtocolError> {
    let too_big = |size: u64, compressed: bool| {
        let limit = if compressed {
            (max as u64)
                .saturating_add(max as u64 / 256)
                .saturating_add(64)
        } else {
            max as u64
        };
        if size > limit {
            Err(ProtocolError::TooBig { size, max })
        } else {
            Ok(())
        }
    };
    if header.compressed && (header.opcode.is_control() || header.opcode == OpCode::Continuation) {
        return Err(ProtocolError::ReservedBits);
    }
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
            too_big(header.payload, header.compressed)?;
            *open = (!header.fin).then_some(Open {
                wire: header.payload,
                compressed: header.compressed,
            });
            Ok(())
        }
        OpCode::Continuation => {
            let Some(so_far) = *open else {
                return Err(ProtocolError::UnexpectedContinuation);
            };
            let wire = so_far.wire.saturating_add(header.payload);
            too_big(wire, so_far.compressed)?;
            *open = (!header.fin).then_some(Open { wire, ..so_far });
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

/// Appends one masked client frame (FIN and RSV1 set) carrying a compressed message.
pub(crate) fn encode_compressed(opcode: OpCode, deflated: &[u8], out: &mut Vec<u8>) {
    out.reserve(deflated.len() + 14);
    push_compressed_header(out, opcode, true, deflated.len());
    let mask: [u8; 4] = rand::random();
    out.extend_from_slice(&mask);
    let start = out.len();
    out.extend_from_slice(deflated);
    apply_mask(&mut out[start..], mask);
}

/// Appends the header of a final (FIN) frame of `len` bytes: the opcode, then the length (with
/// the mask bit for a client frame; the 4-byte mask key itself is the caller's). Server frames
/// (`masked` false) are what `wsprobe serve` writes.
pub(crate) fn push_header(out: &mut Vec<u8>, opcode: OpCode, masked: bool, len: usize) {
    push_raw_header(out, 0x80 | opcode as u8, masked, len);
}

/// [`push_header`] for a compressed message's only frame (RSV1 set): what `wsprobe serve`'s
/// deflated flood writes.
pub(crate) fn push_compressed_header(out: &mut Vec<u8>, opcode: OpCode, masked: bool, len: usize) {
    push_raw_header(out, 0xC0 | opcode as u8, masked, len);
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
mod tests;
