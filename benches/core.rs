//! Benchmarks of the pieces every message passes through: the event log (append, filter)
//! and the derived views (hexdump). Run with `cargo bench --bench core`.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use wsprobe::engine::{Direction, Event, EventKind, Opcode};
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
                session: 1,
                kind: EventKind::Message {
                    direction: if i % 10 == 0 { Direction::Sent } else { Direction::Received },
                    opcode: Opcode::Text,
                    payload: Bytes::from(body),
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

criterion_group!(benches, log_benches, view_benches);
criterion_main!(benches);
