//! Property tests of the Engine.IO / Socket.IO packet parsers: any input decodes to a packet
//! or an error, never a panic; encoded packets decode to what was encoded.

use proptest::prelude::*;
use wsprobe::engine::{SioKind, decode_eio, decode_open, decode_sio, encode_sio, split_event};

const KINDS: [SioKind; 7] = [
    SioKind::Connect,
    SioKind::Disconnect,
    SioKind::Event,
    SioKind::Ack,
    SioKind::ConnectError,
    SioKind::BinaryEvent,
    SioKind::BinaryAck,
];

proptest! {
    #[test]
    fn random_text_never_panics(text in ".{0,64}") {
        let _ = decode_eio(&text);
        let _ = decode_sio(&text);
        let _ = decode_open(&text);
        let _ = split_event(&text);
    }

    #[test]
    fn packet_like_text_never_panics(
        kind in "[0-9]",
        count in "[0-9]{0,3}-?",
        ns in "(/[a-z?=&,]{0,8},?)?",
        id in "[0-9]{0,25}",
        data in "[\\[\\]{}\",:a-z0-9 ]{0,24}",
    ) {
        let text = format!("{kind}{count}{ns}{id}{data}");
        if let Ok(packet) = decode_sio(&text) {
            let _ = split_event(packet.data);
        }
        let _ = decode_eio(&format!("4{text}"));
    }

    #[test]
    fn encode_then_decode_round_trips(
        kind in 0usize..7,
        attachments in 0usize..20,
        ns in "(/|/[a-z]{1,8})",
        id in proptest::option::of(0u64..u64::MAX),
        name in "[a-z.]{1,10}",
        arg in -1000i64..1000,
    ) {
        let kind = KINDS[kind];
        let binary = matches!(kind, SioKind::BinaryEvent | SioKind::BinaryAck);
        let attachments = if binary { attachments } else { 0 };
        let data = serde_json::json!([name, arg]).to_string();
        let mut text = String::new();
        encode_sio(kind, attachments, &ns, id, &data, &mut text);
        let wsprobe::engine::EioPacket::Message(inner) = decode_eio(&text).unwrap() else {
            panic!("not a message: {text}");
        };
        let packet = decode_sio(inner).unwrap();
        prop_assert_eq!(packet.kind, kind);
        prop_assert_eq!(packet.attachments, attachments);
        prop_assert_eq!(packet.namespace, ns.as_str());
        prop_assert_eq!(packet.ack_id, id);
        prop_assert_eq!(packet.data, data.as_str());
        let (event, args) = split_event(packet.data).unwrap();
        prop_assert_eq!(event, name);
        prop_assert_eq!(args, format!("[{arg}]"));
    }
}
