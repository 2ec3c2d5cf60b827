//! Benchmarks of the pieces every message passes through: the event log (append, filter)
//! and the derived views (hexdump, pretty-printing 1 MB of JSON, XML and HTML for Beautify and
//! the detail view). Run with `cargo bench --bench core`.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use wsprobe::engine::{Direction, Event, EventKind, Opcode};
use wsprobe::format::pretty;
use wsprobe::log::{DirectionFilter, EventLog, Filter};

const EVENTS: usize = 1_000_000;

fn events(n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let text = format!(
                "{{\"t\":\"event\",\"e\":\"changed\",\"r\":\"sensors\",\"id\":\"{}\",\"state\":{{\"temperature\":{}}}}}",
                i % 40,
                2000 + i % 97
            );
            let mut body = text.into_bytes();
            body.resize(100, b' ');
            Event {
                at_ms: 1_764_000_000_000 + i as i64,
                session: wsprobe::engine::SessionId(1),
                kind: EventKind::Message {
                    direction: if i % 10 == 0 { Direction::Sent } else { Direction::Received },
                    opcode: Opcode::Text,
                    payload: Bytes::from(body),
                    wire_size: None,
                },
            }
        })
        .collect()
}

fn log_benches(c: &mut Criterion) {
    let source = events(EVENTS);
    let mut group = c.benchmark_group("event_log");
    group.sample_size(10);
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.bench_function("append 1M events", |b| {
        b.iter_batched(
            || source.clone(),
            |events| {
                let mut log = EventLog::with_cap(EVENTS);
                log.extend(events);
                black_box(log.len())
            },
            BatchSize::LargeInput,
        )
    });
    let mut log = EventLog::with_cap(EVENTS);
    log.extend(source);
    // What the window does on the UI thread when an export starts: the job gets its own copy.
    group.bench_function("clone 1M events (export snapshot)", |b| {
        b.iter(|| black_box(log.clone().len()))
    });
    for (name, filter) in [
        (
            "filter 1M: search miss",
            Filter::new(DirectionFilter::All, "no-such-text"),
        ),
        (
            "filter 1M: search hit 1/40",
            Filter::new(DirectionFilter::All, "\"id\":\"7\""),
        ),
        (
            // Not ASCII: a regex folding case by Unicode's rules.
            "filter 1M: search miss, non-ASCII needle",
            Filter::new(DirectionFilter::All, "münchen"),
        ),
        (
            "filter 1M: sent only",
            Filter::new(DirectionFilter::Sent, ""),
        ),
    ] {
        group.bench_function(name, |b| b.iter(|| black_box(log.filtered(&filter).len())));
    }
    group.finish();
}

fn view_benches(c: &mut Criterion) {
    let mb: Vec<u8> = (0..1024 * 1024).map(|i| (i * 31 % 256) as u8).collect();
    let mut group = c.benchmark_group("views");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(mb.len() as u64));
    group.bench_function("hexdump 1 MB", |b| {
        b.iter(|| black_box(wsprobe::format::hexdump(&mb).len()))
    });
    let hex = wsprobe::format::hexdump(&mb[..64 * 1024]);
    let spaced: String = hex
        .lines()
        .map(|l| &l[10..58])
        .collect::<Vec<_>>()
        .join("\n");
    group.bench_function("parse hex 64 KB", |b| {
        b.iter(|| black_box(wsprobe::format::parse_hex(&spaced).map(|v| v.len())))
    });
    group.finish();
}

/// About 1 MB of compact (one-line) JSON, XML and HTML, as a server might send them.
fn compact_documents() -> [(&'static str, String); 3] {
    let mut json = String::from("{\"items\":[");
    let mut xml = String::from("<?xml version=\"1.0\"?><items>");
    let mut html = String::from("<!DOCTYPE html><html><head><title>t</title></head><body><ul>");
    let mut i = 0;
    while json.len() < 1024 * 1024 {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "{{\"id\":{i},\"name\":\"sensor-{i}\",\"state\":{{\"on\":true,\"t\":21.5}},\"tags\":[\"a\",\"b\"]}}"
        ));
        i += 1;
    }
    json.push_str("]}");
    while xml.len() < 1024 * 1024 {
        xml.push_str(&format!(
            "<item id=\"{i}\"><name>sensor-{i}</name><state on=\"true\"><t>21.5</t></state><br/></item>"
        ));
        i += 1;
    }
    xml.push_str("</items>");
    while html.len() < 1024 * 1024 {
        html.push_str(&format!(
            "<li class=\"s\"><b>sensor-{i}</b> is <i>on</i><br><img src=\"x.png\"></li>"
        ));
        i += 1;
    }
    html.push_str("</ul></body></html>");
    [("JSON", json), ("XML", xml), ("HTML", html)]
}

fn pretty_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("pretty");
    group.sample_size(10);
    for (name, text) in compact_documents() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("pretty-print 1 MB {name}"), |b| {
            b.iter(|| {
                black_box(match name {
                    "JSON" => pretty::pretty_json(&text),
                    "XML" => pretty::pretty_markup(&text, false),
                    _ => pretty::pretty_markup(&text, true),
                })
                .len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, log_benches, view_benches, pretty_benches);
criterion_main!(benches);
