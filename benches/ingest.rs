//! The receive path end to end: `wsprobe serve`'s /flood (in this process, on 127.0.0.1)
//! → the engine (socket reads, framing, UTF-8 checks, batches) → an [`EventLog`], for
//! 100,000 messages of 100 bytes and 10,000 of 4 KiB. Run with `cargo bench --bench ingest`;
//! `scripts/ingest_vs_websocat.py` compares whole processes with websocat.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wsprobe::engine::{Engine, EventKind, EventReceiver};
use wsprobe::log::EventLog;
use wsprobe::template::ResolvedRequest;

/// Receives one whole flood into a log; panics if it does not end normally.
fn receive(engine: &Engine, events: &EventReceiver, url: &str, count: u64) -> EventLog {
    let request = ResolvedRequest::to_url(url).expect("valid URL");
    engine.connect(request);
    let mut log = EventLog::default();
    // Until this session's Closed (the flood ends with the server's close frame).
    loop {
        let event = events
            .recv_timeout(Duration::from_secs(30))
            .expect("the flood keeps coming");
        let closed = matches!(event.kind, EventKind::Closed { .. });
        log.push(event);
        if closed {
            break;
        }
        while let Some(batch) = events.try_recv_batch() {
            let closed = batch
                .last()
                .is_some_and(|e| matches!(e.kind, EventKind::Closed { .. }));
            log.extend(batch);
            if closed {
                assert_eq!(log.received().0, count);
                return log;
            }
        }
    }
    assert_eq!(log.received().0, count);
    log
}

fn ingest(c: &mut Criterion) {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let (listener, addr) = server
        .block_on(wsprobe::serve::bind("127.0.0.1", 0))
        .expect("bind 127.0.0.1");
    server.spawn(wsprobe::serve::serve(listener));
    let (engine, events) = Engine::new(|| {});

    let mut group = c.benchmark_group("ingest");
    group.sample_size(20);
    for (count, size) in [(100_000u64, 100usize), (10_000, 4096)] {
        let url = format!("ws://{addr}/flood?n={count}&size={size}");
        group.throughput(Throughput::Elements(count));
        group.bench_function(format!("{count} x {size} B"), |b| {
            b.iter(|| receive(&engine, &events, &url, count))
        });
    }
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
