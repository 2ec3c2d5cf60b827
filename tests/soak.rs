//! Many connect/disconnect cycles leave no tasks, sockets or memory behind. The one test in its
//! own binary (the rest are one binary, `tests/it`): it counts this process's sockets and
//! memory, so no other test may run beside it.
//!
//! 10,000 cycles take about 17 s in a debug build on 2 cores; `WSPROBE_SOAK_CYCLES=N` changes
//! the count, e.g. for a longer run:
//! `WSPROBE_SOAK_CYCLES=100000 cargo test --release --test soak -- --nocapture`.

#[path = "it/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use support::*;
use wsprobe::engine::{ClosedBy, Engine, EventKind};
use wsprobe::template::ResolvedRequest;

const WAIT: Duration = Duration::from_secs(5);

fn cycle(engine: &Engine, events: &mut Events, url: &str) {
    let session = engine.connect(ResolvedRequest::to_url(url).expect("url"));
    events.wait_connected(session, WAIT);
    engine.disconnect(session);
    let closed = events.wait_closed(session, WAIT);
    assert!(
        matches!(
            closed,
            EventKind::Closed {
                code: 1000,
                by: ClosedBy::Client,
                ..
            }
        ),
        "{closed:?}"
    );
    // Keep the record small: the test is about the engine's memory, not ours.
    events.seen.clear();
}

/// Waits until `condition` holds (the server side may take a moment to drop its sockets).
fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::yield_now();
    }
}

#[test]
fn connect_disconnect_cycles_leak_nothing() {
    let cycles: usize = std::env::var("WSPROBE_SOAK_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    // Not `echo_server()`: it records every handshake, which would grow this process's memory.
    let server = RawServer::start(|tcp| async move {
        use futures_util::StreamExt as _;
        if let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await {
            // tungstenite answers the client's close; drive it until the stream ends.
            while let Some(Ok(_)) = ws.next().await {}
        }
    });
    let url = server.url();
    let (engine, rx) = Engine::new(|| {});
    let mut events = Events::new(rx);

    // Warm up: runtime threads, allocator arenas, the server's first connections.
    for _ in 0..200 {
        cycle(&engine, &mut events, &url);
    }
    let fds_before = open_fds();
    let rss_before = rss_kib();
    assert!(eventually(WAIT, || engine.alive_tasks() == 0));

    let started = Instant::now();
    for _ in 0..cycles {
        cycle(&engine, &mut events, &url);
    }
    let took = started.elapsed();

    assert!(
        eventually(WAIT, || engine.alive_tasks() == 0),
        "tasks left: {}",
        engine.alive_tasks()
    );
    assert!(
        eventually(WAIT, || open_fds() <= fds_before),
        "fds: {fds_before} before, {} after",
        open_fds()
    );
    let rss_after = rss_kib();
    println!(
        "{cycles} cycles in {took:?}; fds {fds_before} -> {}; rss {rss_before} KiB -> {rss_after} KiB",
        open_fds()
    );
    // Allocator noise is a few MiB at most; a leak of even 1 KiB per cycle would show.
    assert!(
        rss_after < rss_before + 8 * 1024,
        "memory grew from {rss_before} KiB to {rss_after} KiB over {cycles} cycles"
    );
}
