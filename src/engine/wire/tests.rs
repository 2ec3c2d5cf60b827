//! The frame parser's unit tests (a file of their own: `wire.rs` stays readable).

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
        wire_size: None,
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
        matches!(&items[1000], Item::Message { opcode: Opcode::Binary, payload, .. } if payload.len() == 70_000)
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
    assert!(matches!(&items[..], [Item::Message { payload: p, .. }] if p.len() == payload.len()));
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

mod compressed {
    use super::*;
    use crate::engine::deflate::{Deflater, Inflater, Negotiated};

    const AGREED: Negotiated = Negotiated {
        server_no_context_takeover: false,
        client_no_context_takeover: false,
        server_max_window_bits: 15,
        client_max_window_bits: 15,
    };

    fn inflating(max: u64) -> Reader {
        Reader::new(&[], max).inflating(Inflater::new(&AGREED))
    }

    fn deflated(deflater: &mut Deflater, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        assert!(deflater.deflate(payload, &mut out));
        out
    }

    #[test]
    fn compressed_messages_inflate_with_their_wire_size() {
        let mut deflater = Deflater::new(&AGREED);
        let mut reader = inflating(0);
        let first = "hello hello hello hello".repeat(20);
        let a = deflated(&mut deflater, first.as_bytes());
        // The second message refers back to the first (context takeover).
        let b = deflated(&mut deflater, first.as_bytes());
        assert!(b.len() < a.len());
        let mut wire = server_frame(0xC1, &a);
        wire.extend(server_frame(0x81, b"plain"));
        wire.extend(server_frame(0xC1, &b));
        let mut items = Vec::new();
        for byte in &wire {
            let (got, result) = feed(&mut reader, std::slice::from_ref(byte));
            result.unwrap();
            items.extend(got);
        }
        let expect = |wire: usize| Item::Message {
            opcode: Opcode::Text,
            payload: Bytes::from(first.clone()),
            wire_size: Some(wire as u64),
        };
        assert_eq!(items, vec![expect(a.len()), text("plain"), expect(b.len())]);
    }

    #[test]
    fn fragmented_compressed_messages_inflate_across_control_frames() {
        let mut deflater = Deflater::new(&AGREED);
        let message = "wörld ".repeat(500);
        let data = deflated(&mut deflater, message.as_bytes());
        let (one, rest) = data.split_at(data.len() / 3);
        let (two, three) = rest.split_at(1);
        let mut wire = server_frame(0x41, one);
        wire.extend(server_frame(0x89, b"p"));
        wire.extend(server_frame(0x00, two));
        wire.extend(server_frame(0x80, three));
        let (items, result) = feed(&mut inflating(0), &wire);
        result.unwrap();
        assert_eq!(
            items,
            vec![
                Item::Ping(Bytes::from_static(b"p")),
                Item::Message {
                    opcode: Opcode::Text,
                    payload: Bytes::from(message),
                    wire_size: Some(data.len() as u64),
                }
            ]
        );
    }

    #[test]
    fn rsv1_is_refused_without_deflate_and_on_control_or_continuation_frames() {
        let (_, result) = feed(&mut Reader::new(&[], 0), &server_frame(0xC1, &[0]));
        assert_eq!(result, Err(ProtocolError::ReservedBits));
        for bad in [
            server_frame(0xC9, b""),
            [server_frame(0x01, b"a"), server_frame(0xC0, b"b")].concat(),
            server_frame(0xA1, b""),
        ] {
            let (_, result) = feed(&mut inflating(0), &bad);
            assert_eq!(result, Err(ProtocolError::ReservedBits));
        }
    }

    #[test]
    fn broken_deflate_data_and_invalid_inflated_text_fail_with_1007() {
        let (_, result) = feed(&mut inflating(0), &server_frame(0xC2, &[0xff, 0xfe, 0xfd]));
        assert_eq!(result, Err(ProtocolError::BadDeflateData));
        assert_eq!(result.unwrap_err().close_code(), CloseCode::INVALID_PAYLOAD);
        let data = deflated(&mut Deflater::new(&AGREED), b"ok \xff");
        let (_, result) = feed(&mut inflating(0), &server_frame(0xC1, &data));
        assert_eq!(result, Err(ProtocolError::InvalidUtf8Text));
    }

    #[test]
    fn the_size_limit_applies_to_the_inflated_size() {
        let zeros = vec![0u8; 4 << 20];
        let data = deflated(&mut Deflater::new(&AGREED), &zeros);
        let limit = 1 << 20;
        let mut reader = inflating(limit);
        let (items, result) = feed(&mut reader, &server_frame(0xC2, &data));
        assert!(items.is_empty());
        match result {
            Err(ProtocolError::InflatedTooBig { size, max }) => {
                assert_eq!(max as u64, limit);
                assert_eq!(size, limit + 1);
            }
            other => panic!("{other:?}"),
        }
        // Fragmented: the fragments together cross it.
        let (one, two) = data.split_at(data.len() / 2);
        let mut wire = server_frame(0x42, one);
        wire.extend(server_frame(0x80, two));
        let (_, result) = feed(&mut inflating(limit), &wire);
        assert!(
            matches!(result, Err(ProtocolError::InflatedTooBig { .. })),
            "{result:?}"
        );
        // Under the limit it comes out whole.
        let (items, result) = feed(&mut inflating(8 << 20), &server_frame(0xC2, &data));
        result.unwrap();
        assert!(
            matches!(&items[..], [Item::Message { payload, .. }] if payload.len() == zeros.len())
        );
    }
}

mod random_streams {
    use super::*;
    use crate::engine::deflate::{Inflater, Negotiated};
    use proptest::prelude::*;

    /// Frame-like bytes: valid headers (RSV1 often set) with random payloads, plus noise.
    fn stream() -> impl Strategy<Value = Vec<u8>> {
        let frame = (any::<u8>(), prop::collection::vec(any::<u8>(), 0..300))
            .prop_map(|(first, payload)| server_frame(first | 0x40, &payload));
        let noise = prop::collection::vec(any::<u8>(), 0..40);
        prop::collection::vec(prop_oneof![frame, noise], 0..12).prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn an_inflating_reader_never_panics_and_keeps_to_the_limit(
            bytes in stream(),
            reads in prop::collection::vec(1usize..400, 1..20),
            max in 0u64..5000,
        ) {
            let agreed = Negotiated {
                server_no_context_takeover: false,
                client_no_context_takeover: false,
                server_max_window_bits: 15,
                client_max_window_bits: 15,
            };
            let mut reader = Reader::new(&[], max).inflating(Inflater::new(&agreed));
            let mut at = 0;
            let mut sizes = reads.iter().cycle();
            while at < bytes.len() {
                let end = (at + sizes.next().copied().unwrap_or(1)).min(bytes.len());
                let (items, result) = feed(&mut reader, &bytes[at..end]);
                for item in items {
                    if let Item::Message { payload, .. } = item {
                        prop_assert!(max == 0 || payload.len() as u64 <= max);
                    }
                }
                at = end;
                if result.is_err() {
                    break;
                }
            }
        }
    }
}

/// On valid frame streams our reader decodes exactly what tungstenite's does.
mod differential {
    use super::*;
    use proptest::prelude::*;
    use tokio_tungstenite::tungstenite::{Message, protocol::Role, protocol::WebSocket};

    /// A server-to-client byte stream for tungstenite: reads the frames, swallows writes
    /// (its automatic pong answers).
    struct Feed(std::io::Cursor<Vec<u8>>);

    impl std::io::Read for Feed {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0.read(buf)
        }
    }

    impl std::io::Write for Feed {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// One thing the server sends: a data message in fragments (with a ping between two of
    /// them when `ping_inside`), or a ping/pong.
    #[derive(Debug, Clone)]
    enum Send {
        Data {
            text: bool,
            payload: Vec<u8>,
            cuts: Vec<usize>,
            ping_inside: bool,
        },
        Control {
            ping: bool,
            payload: Vec<u8>,
        },
    }

    fn send() -> impl Strategy<Value = Send> {
        let data = (
            any::<bool>(),
            "\\PC{0,200}",
            prop::collection::vec(any::<u8>(), 0..200),
            prop::collection::vec(0usize..400, 0..4),
            any::<bool>(),
        )
            .prop_map(|(text, s, bytes, cuts, ping_inside)| Send::Data {
                text,
                payload: if text { s.into_bytes() } else { bytes },
                cuts,
                ping_inside,
            });
        let control = (any::<bool>(), prop::collection::vec(any::<u8>(), 0..126))
            .prop_map(|(ping, payload)| Send::Control { ping, payload });
        prop_oneof![3 => data, 1 => control]
    }

    fn encode(sends: &[Send]) -> Vec<u8> {
        let mut wire = Vec::new();
        for send in sends {
            match send {
                Send::Control { ping, payload } => {
                    wire.extend(server_frame(if *ping { 0x89 } else { 0x8A }, payload));
                }
                Send::Data {
                    text,
                    payload,
                    cuts,
                    ping_inside,
                } => {
                    let mut at: Vec<usize> = cuts.iter().map(|c| c % (payload.len() + 1)).collect();
                    at.sort_unstable();
                    at.dedup();
                    let mut bounds = vec![0];
                    bounds.extend(at.into_iter().filter(|&c| c > 0 && c < payload.len()));
                    bounds.push(payload.len());
                    let pieces = bounds.len() - 1;
                    for i in 0..pieces {
                        let opcode = if i > 0 {
                            0x0
                        } else if *text {
                            0x1
                        } else {
                            0x2
                        };
                        let fin = if i + 1 == pieces { 0x80 } else { 0 };
                        wire.extend(server_frame(
                            fin | opcode,
                            &payload[bounds[i]..bounds[i + 1]],
                        ));
                        if *ping_inside && i == 0 && pieces > 1 {
                            wire.extend(server_frame(0x89, b"mid"));
                        }
                    }
                }
            }
        }
        wire
    }

    /// What both parsers are compared on.
    #[derive(Debug, PartialEq)]
    enum Got {
        Text(Vec<u8>),
        Binary(Vec<u8>),
        Ping(Vec<u8>),
        Pong(Vec<u8>),
    }

    fn ours(wire: &[u8], reads: &[usize]) -> Vec<Got> {
        let mut reader = Reader::new(&[], 0);
        let mut got = Vec::new();
        let mut at = 0;
        let mut sizes = reads.iter().cycle();
        while at < wire.len() {
            let end = (at + sizes.next().copied().unwrap_or(1).max(1)).min(wire.len());
            let (items, result) = feed(&mut reader, &wire[at..end]);
            result.expect("a valid stream");
            got.extend(items.into_iter().map(|item| match item {
                Item::Message {
                    opcode: Opcode::Text,
                    payload,
                    ..
                } => Got::Text(payload.to_vec()),
                Item::Message { payload, .. } => Got::Binary(payload.to_vec()),
                Item::Ping(p) => Got::Ping(p.to_vec()),
                Item::Pong(p) => Got::Pong(p.to_vec()),
                Item::Close { .. } => unreachable!("no close frames generated"),
            }));
            at = end;
        }
        got
    }

    fn theirs(wire: &[u8]) -> Vec<Got> {
        let mut ws = WebSocket::from_raw_socket(
            Feed(std::io::Cursor::new(wire.to_vec())),
            Role::Client,
            None,
        );
        let mut got = Vec::new();
        while let Ok(message) = ws.read() {
            got.push(match message {
                Message::Text(t) => Got::Text(t.as_bytes().to_vec()),
                Message::Binary(b) => Got::Binary(b.to_vec()),
                Message::Ping(p) => Got::Ping(p.to_vec()),
                Message::Pong(p) => Got::Pong(p.to_vec()),
                other => panic!("unexpected {other:?}"),
            });
        }
        got
    }

    proptest! {
        #[test]
        fn our_reader_decodes_what_tungstenite_decodes(
            sends in prop::collection::vec(send(), 0..12),
            reads in prop::collection::vec(1usize..300, 1..10),
        ) {
            let wire = encode(&sends);
            prop_assert_eq!(ours(&wire, &reads), theirs(&wire));
        }
    }
}
