//! Properties checked on many generated inputs (proptest): the parsers never panic and round
//! trip, `<<variables>>` expansion never panics and always names an undefined variable, and
//! the event log's filtered view equals a naive filter.

use bytes::Bytes;
use proptest::prelude::*;
use wsprobe::engine::{ClosedBy, Direction, Event, EventKind, FailedHandshake, Opcode};
use wsprobe::format::{decode_base64, encode_base64, hexdump, parse_hex};
use wsprobe::log::{DirectionFilter, EventLog, Filter, SearchMode};
use wsprobe::model::Variable;
use wsprobe::template::{Resolver, TemplateError};

/// Bytes written as hex in one of the styles users type.
fn write_hex(bytes: &[u8], style: u8, upper: bool) -> String {
    let digits: Vec<String> = bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect();
    match style % 5 {
        0 => digits.concat(),
        1 => digits.join(" "),
        2 => digits
            .iter()
            .map(|d| format!("0x{d}"))
            .collect::<Vec<_>>()
            .join(" "),
        3 => digits.join(":"),
        _ => digits
            .chunks(8)
            .map(|c| c.join("-"))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

proptest! {
    #[test]
    fn hex_parsing_never_panics(text in "\\PC{0,64}") {
        let _ = parse_hex(&text);
    }

    #[test]
    fn hex_parsing_never_panics_on_hexlike_text(text in "[0-9a-fA-FxX :,\\-\n]{0,64}") {
        if let Ok(bytes) = parse_hex(&text) {
            // Whatever parsed has at most one byte per two characters.
            prop_assert!(bytes.len() * 2 <= text.len());
        }
    }

    #[test]
    fn hex_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..200), style: u8, upper: bool) {
        let text = write_hex(&bytes, style, upper);
        prop_assert_eq!(parse_hex(&text), Ok(bytes.clone()));
        // The hexdump of anything is one line per 16 bytes.
        prop_assert_eq!(hexdump(&bytes).lines().count(), bytes.len().div_ceil(16));
    }

    #[test]
    fn base64_decoding_never_panics(text in "\\PC{0,64}") {
        let _ = decode_base64(&text);
    }

    #[test]
    fn base64_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..200), wrap in 1usize..80) {
        use base64::Engine as _;
        let standard = encode_base64(&bytes);
        prop_assert_eq!(decode_base64(&standard), Ok(bytes.clone()));
        // Wrapped over lines, as pasted from a terminal.
        let wrapped: Vec<String> = standard
            .as_bytes()
            .chunks(wrap)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        prop_assert_eq!(decode_base64(&wrapped.join("\n")), Ok(bytes.clone()));
        // URL-safe without padding.
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        prop_assert_eq!(decode_base64(&url_safe), Ok(bytes.clone()));
    }
}

/// Names that can never be minijinja keywords, globals or our built-in functions.
fn var_name() -> impl Strategy<Value = String> {
    "v_[a-z0-9_]{0,8}"
}

/// Text around a placeholder: no template syntax of its own.
fn plain_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 {}:,\"\\[\\]\n]{0,20}"
}

proptest! {
    #[test]
    fn expansion_never_panics(text in "\\PC{0,64}", value in "\\PC{0,16}") {
        let resolver = Resolver::new(&[Variable::new("v_x", value)]);
        let _ = resolver.render("body", &text);
        let _ = resolver.render("body", &format!("<<{text}>>"));
        let _ = resolver.render("body", &format!("<% {text} %>"));
    }

    #[test]
    fn expansion_of_template_like_text_never_panics(
        text in "(<<|>>|<%|%>|<#|#>|[a-z_$|'\"() ]){0,24}"
    ) {
        let resolver = Resolver::new(&[Variable::new("v_x", "1")]);
        let _ = resolver.render("URL", &text);
    }

    #[test]
    fn an_undefined_variable_is_always_named(
        defined in prop::collection::vec((var_name(), "\\PC{0,12}"), 0..4),
        missing in var_name(),
        before in plain_text(),
        after in plain_text(),
    ) {
        prop_assume!(defined.iter().all(|(name, _)| *name != missing));
        let variables: Vec<Variable> =
            defined.iter().map(|(n, v)| Variable::new(n.clone(), v.clone())).collect();
        let resolver = Resolver::new(&variables);
        // Defined ones around it do not hide it.
        let uses: String = defined.iter().map(|(n, _)| format!("<<{n}>>")).collect();
        let text = format!("{before}{uses}<<{missing}>>{after}");
        match resolver.render("body", &text) {
            Err(TemplateError::Undefined { name, field }) => {
                prop_assert_eq!(name, missing);
                prop_assert_eq!(field, "body");
            }
            other => prop_assert!(false, "expected undefined `{}`, got {:?}", missing, other),
        }
    }

    #[test]
    fn a_defined_variable_expands_to_its_value(
        name in var_name(),
        value in "\\PC{0,24}",
        before in plain_text(),
        after in plain_text(),
    ) {
        let resolver = Resolver::new(&[Variable::new(name.clone(), value.clone())]);
        let text = format!("{before}<<{name}>>{after}");
        prop_assert_eq!(resolver.render("body", &text), Ok(format!("{before}{value}{after}")));
    }
}

fn event() -> impl Strategy<Value = Event> {
    let text = "[aAbB xyé\u{1F600}]{0,12}";
    let direction = prop_oneof![Just(Direction::Received), Just(Direction::Sent)];
    let kind = prop_oneof![
        (direction.clone(), any::<bool>(), text).prop_map(|(direction, binary, payload)| {
            EventKind::Message {
                direction,
                opcode: if binary { Opcode::Binary } else { Opcode::Text },
                payload: Bytes::from(payload),
                wire_size: None,
            }
        }),
        (direction.clone(), text).prop_map(|(direction, p)| EventKind::Ping {
            direction,
            payload: Bytes::from(p)
        }),
        (direction, text).prop_map(|(direction, p)| EventKind::Pong {
            direction,
            payload: Bytes::from(p),
            rtt: None,
        }),
        (1u32..4, text).prop_map(|(attempt, url)| EventKind::Connecting { attempt, url }),
        text.prop_map(|message| EventKind::Error { message }),
        text.prop_map(
            |message| EventKind::HandshakeFailed(Box::new(FailedHandshake {
                message,
                response: None
            }))
        ),
        (1000u16..1012, text).prop_map(|(code, reason)| EventKind::Closed {
            code,
            reason,
            by: ClosedBy::Server
        }),
        (301u16..309, text)
            .prop_map(|(status, location)| EventKind::Redirected { status, location }),
        (1u32..5, 1u32..5).prop_map(|(attempt, of)| EventKind::Reconnecting {
            attempt,
            of,
            delay_ms: 10
        }),
    ];
    (kind, 1u64..3).prop_map(|(kind, session)| Event {
        at_ms: 0,
        session: wsprobe::engine::SessionId(session),
        kind,
    })
}

/// The filter written the obvious way, independently of `log.rs`.
fn naive_matches(event: &Event, direction: DirectionFilter, search: &str) -> bool {
    let dir = match &event.kind {
        EventKind::Message { direction, .. }
        | EventKind::Ping { direction, .. }
        | EventKind::Pong { direction, .. } => Some(*direction),
        _ => None,
    };
    let direction_ok = match direction {
        DirectionFilter::All => true,
        DirectionFilter::Received => dir == Some(Direction::Received),
        DirectionFilter::Sent => dir == Some(Direction::Sent),
        DirectionFilter::Connection => {
            dir.is_none() && !matches!(event.kind, EventKind::Script { .. })
        }
        DirectionFilter::Script => matches!(event.kind, EventKind::Script { .. }),
        DirectionFilter::Control => matches!(
            event.kind,
            EventKind::Ping { .. } | EventKind::Pong { .. } | EventKind::Closed { .. }
        ),
    };
    let haystack: Vec<u8> = match &event.kind {
        EventKind::Message { payload, .. }
        | EventKind::Ping { payload, .. }
        | EventKind::Pong { payload, .. } => payload.to_vec(),
        EventKind::Connecting { url, .. } => url.clone().into_bytes(),
        EventKind::Redirected { location, .. } => location.clone().into_bytes(),
        EventKind::Connected(info) => info.url.clone().into_bytes(),
        EventKind::Closed { reason, .. } => reason.clone().into_bytes(),
        EventKind::Error { message } => message.clone().into_bytes(),
        EventKind::HandshakeFailed(failed) => failed.message.clone().into_bytes(),
        EventKind::Reconnecting { .. } => b"reconnecting".to_vec(),
        EventKind::Script { text, .. } => text.clone().into_bytes(),
        EventKind::SocketIo(sio) => {
            [sio.packet.label().as_bytes(), b" ", sio.packet.args()].concat()
        }
    };
    let needle = search.to_ascii_lowercase().into_bytes();
    let haystack = haystack.to_ascii_lowercase();
    direction_ok
        && (needle.is_empty()
            || haystack
                .windows(needle.len())
                .any(|w| w == needle.as_slice()))
}

proptest! {
    #[test]
    fn filtered_view_equals_a_naive_filter(
        events in prop::collection::vec(event(), 0..60),
        cap in 1usize..80,
        direction in prop_oneof![
            Just(DirectionFilter::All),
            Just(DirectionFilter::Received),
            Just(DirectionFilter::Sent),
            Just(DirectionFilter::Connection),
            Just(DirectionFilter::Control),
        ],
        search in "[aAbBxy ]{0,3}|reconnecting|RECON",
    ) {
        let mut log = EventLog::with_cap(cap);
        log.extend(events.clone());
        let kept_from = events.len().saturating_sub(cap);
        let expected: Vec<wsprobe::log::Seq> = events
            .iter()
            .enumerate()
            .skip(kept_from)
            .filter(|(_, e)| naive_matches(e, direction, &search))
            .map(|(i, _)| wsprobe::log::Seq(i as u64))
            .collect();
        prop_assert_eq!(log.filtered(&Filter::new(direction, &search)), expected);
        prop_assert_eq!(log.dropped(), kept_from as u64);
    }
}

proptest! {
    #[test]
    fn redaction_hides_every_secret(
        secrets in prop::collection::vec("[a-z0-9]{4,10}", 1..4),
        parts in prop::collection::vec("\\PC{0,10}", 1..5),
    ) {
        use wsprobe::schema::Redaction;
        // Every secret appears in the text, between arbitrary other text.
        let mut text = String::new();
        for (i, part) in parts.iter().enumerate() {
            text.push_str(part);
            text.push_str(&secrets[i % secrets.len()]);
        }
        let masked = Redaction::new(secrets.clone()).text(&text);
        for secret in &secrets {
            prop_assert!(!masked.contains(secret.as_str()), "{} in {}", secret, masked);
        }
    }
}

// ---- The structured JSON filter (`path=value`) -------------------------------------------

fn json_event(r: &str, n: i64, on: bool) -> Event {
    let text = serde_json::json!({"t": "event", "r": r, "n": n, "state": {"on": on}}).to_string();
    Event {
        at_ms: 0,
        session: wsprobe::engine::SessionId(1),
        kind: EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: Bytes::from(text),
            wire_size: None,
        },
    }
}

proptest! {
    #[test]
    fn json_filter_parsing_never_panics(text in "\\PC{0,48}") {
        let _ = Filter::parse(DirectionFilter::All, SearchMode::Json, &text);
    }

    #[test]
    fn json_filter_equals_a_naive_filter(
        rows in prop::collection::vec(("(lights|sensors|groups)", -3i64..3, any::<bool>()), 0..40),
        want_r in "(lights|sensors|groups)",
        want_n in -3i64..3,
        want_on: bool,
        negate: bool,
    ) {
        let mut log = EventLog::default();
        for (r, n, on) in &rows {
            log.push(json_event(r, *n, *on));
        }
        // A non-JSON message never matches a JSON filter.
        log.push(Event {
            at_ms: 0,
            session: wsprobe::engine::SessionId(1),
            kind: EventKind::Message {
                direction: Direction::Received,
                opcode: Opcode::Text,
                payload: Bytes::from_static(b"not json r=lights"),
                wire_size: None,
            },
        });
        let op = if negate { "!=" } else { "=" };
        let query = format!("r{op}{want_r} n={want_n} state.on={want_on}");
        let filter = Filter::parse(DirectionFilter::All, SearchMode::Json, &query).unwrap();
        let naive: Vec<wsprobe::log::Seq> = rows
            .iter()
            .enumerate()
            .filter(|(_, (r, n, on))| {
                (if negate { *r != want_r } else { *r == want_r }) && *n == want_n && *on == want_on
            })
            .map(|(i, _)| wsprobe::log::Seq(i as u64))
            .collect();
        prop_assert_eq!(log.filtered(&filter), naive);
    }
}

// ---- Insomnia import ----------------------------------------------------------------------

proptest! {
    #[test]
    fn import_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = wsprobe::import::parse(&text);
    }

    #[test]
    fn import_never_panics_on_odd_json(value in arbitrary_json()) {
        let _ = wsprobe::import::parse(&value.to_string());
        let wrapped = serde_json::json!({"_type": "export", "__export_format": 4, "resources": [value]});
        let _ = wsprobe::import::parse(&wrapped.to_string());
    }

    #[test]
    fn import_counts_websocket_and_skipped_requests(
        names in prop::collection::vec("[A-Za-z][A-Za-z0-9 ]{0,12}", 0..8),
        http in 0usize..5,
        var in "[a-z][a-z0-9_]{0,8}",
    ) {
        let mut resources = vec![serde_json::json!({"_id": "wrk_1", "_type": "workspace", "name": "W"})];
        for (i, name) in names.iter().enumerate() {
            resources.push(serde_json::json!({
                "_id": format!("ws-req_{i}"), "_type": "websocket_request", "parentId": "wrk_1",
                "name": name, "url": format!("ws://{{{{ _.{var} }}}}/p{i}"),
                "headers": [], "parameters": [], "authentication": {},
            }));
        }
        for i in 0..http {
            resources.push(serde_json::json!({
                "_id": format!("req_{i}"), "_type": "request", "parentId": "wrk_1",
                "name": format!("GET {i}"), "method": "GET", "url": "http://h/",
            }));
        }
        let doc = serde_json::json!({"_type": "export", "__export_format": 4, "resources": resources});
        let imported = wsprobe::import::parse(&doc.to_string()).unwrap();
        let mut workspace = wsprobe::model::Workspace::default();
        let summary = imported.add_to(&mut workspace, wsprobe::import::OnConflict::Skip);
        prop_assert_eq!(summary.requests, names.len());
        prop_assert_eq!(workspace.requests.len(), names.len());
        for (i, request) in workspace.requests.iter().enumerate() {
            prop_assert_eq!(&request.url, &format!("ws://<<{var}>>/p{i}"));
        }
        let text = summary.to_string();
        if http > 0 {
            let expected = format!("skipped {http} HTTP request");
            prop_assert!(text.contains(&expected), "{}", text);
        } else {
            prop_assert!(!text.contains("skipped"), "{}", text);
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("websocket_request")),
        Just(serde_json::Value::from("export")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("_type".to_owned()),
                    Just("url".to_owned()),
                    Just("name".to_owned()),
                    Just("resources".to_owned()),
                    Just("headers".to_owned()),
                    Just("authentication".to_owned()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A log holding one received text message.
fn one_message(payload: Bytes) -> EventLog {
    let mut log = EventLog::with_cap(10);
    log.push(Event {
        at_ms: 0,
        session: wsprobe::engine::SessionId(1),
        kind: EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload,
            wire_size: None,
        },
    });
    log
}

/// `text` with each character re-cased by `pattern` (upper, lower or as is), where the
/// re-cased form is a single character (as simple case folding sees it).
fn recase(text: &str, pattern: &[u8]) -> String {
    fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
        let first = it.next()?;
        it.next().is_none().then_some(first)
    }
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            let other = match pattern[i % pattern.len()] % 3 {
                0 => single(c.to_uppercase()),
                1 => single(c.to_lowercase()),
                _ => None,
            };
            other.unwrap_or(c)
        })
        .collect()
}

proptest! {
    /// Text search folds case by Unicode's rules: any substring of a message, re-cased, finds
    /// it (`MÜNCHEN` finds `{"city":"München"}`).
    #[test]
    fn text_search_finds_any_recased_substring(
        text in "[a-zA-Z0-9 äöüÄÖÜßéÉçÇłŁøØæÆσΣωΩжЖ\"{}:,.]{1,40}",
        from in 0usize..40,
        len in 1usize..12,
        pattern in prop::collection::vec(any::<u8>(), 1..8),
    ) {
        let chars: Vec<char> = text.chars().collect();
        let from = from % chars.len();
        let len = len.min(chars.len() - from);
        let needle: String = chars[from..from + len].iter().collect();
        let needle = recase(&needle, &pattern);
        let log = one_message(Bytes::from(text.clone()));
        let filter = Filter::new(DirectionFilter::All, &needle);
        prop_assert_eq!(log.filtered(&filter).len(), 1, "{:?} in {:?}", needle, text);
    }
}

#[test]
fn text_search_folds_unicode_case() {
    let log = one_message(Bytes::from_static("{\"city\":\"MÜNCHEN\"}".as_bytes()));
    for needle in ["MÜNCHEN", "münchen", "München", "ü"] {
        let filter = Filter::parse(DirectionFilter::All, SearchMode::Text, needle).unwrap();
        assert_eq!(log.filtered(&filter).len(), 1, "{needle}");
    }
}
