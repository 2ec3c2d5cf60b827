//! An Autobahn|Testsuite echo client on wsprobe's own engine, for the fuzzing-server driver
//! protocol (`kosoku -m fuzzingserver`, or Autobahn's `wstest -m fuzzingserver`).
//!
//! ```sh
//! kosoku -m fuzzingserver 127.0.0.1:9001 -x '9.*' &
//! cargo run --release --example autobahn_client -- ws://127.0.0.1:9001
//! ```
//!
//! Every case connects through the same path as the app and `wsprobe run`: a
//! [`ResolvedRequest`] with the default settings (64 MiB max message size, 10 s handshake
//! timeout, permessage-deflate offered with `client_no_context_takeover`), [`Engine::connect`], and every received text or binary message is sent back with
//! the same opcode until the session's `Closed`. Pings are answered by the engine itself.

use std::time::{Duration, Instant};

use wsprobe::engine::{Engine, EventKind, EventReceiver, Opcode, Outgoing, SessionId};
use wsprobe::template::ResolvedRequest;

const AGENT: &str = "wsprobe";
/// The longest one case may take (the 9.* performance cases are the slow ones).
const CASE_LIMIT: Duration = Duration::from_secs(120);

fn main() {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ws://127.0.0.1:9001".to_owned());
    let base = base.trim_end_matches('/');
    let (engine, events) = Engine::new(|| {});

    let count = match run(&engine, &events, &format!("{base}/getCaseCount"), false) {
        Some(text) => text.trim().parse::<u32>().unwrap_or_else(|_| {
            eprintln!("autobahn_client: bad case count `{text}`");
            std::process::exit(2)
        }),
        None => {
            eprintln!("autobahn_client: no case count from {base}");
            std::process::exit(2)
        }
    };
    eprintln!("autobahn_client: {count} cases");
    for case in 1..=count {
        let url = format!("{base}/runCase?case={case}&agent={AGENT}");
        let started = Instant::now();
        run(&engine, &events, &url, true);
        if started.elapsed() > Duration::from_secs(2) {
            eprintln!("autobahn_client: case {case} took {:?}", started.elapsed());
        }
    }
    run(
        &engine,
        &events,
        &format!("{base}/updateReports?agent={AGENT}"),
        false,
    );
    eprintln!("autobahn_client: reports updated");
}

/// Connects to `url` and waits for the session's end; echoes every message when `echo`.
/// Returns the first text message received (for `/getCaseCount`).
fn run(engine: &Engine, events: &EventReceiver, url: &str, echo: bool) -> Option<String> {
    let mut request = match ResolvedRequest::to_url(url) {
        Ok(request) => request,
        Err(err) => {
            eprintln!("autobahn_client: {url}: {err}");
            std::process::exit(2)
        }
    };
    // The suite's server asks for client_no_context_takeover (13.2, 13.5, 13.6) only from
    // clients whose offer includes it; with it we compress each message on its own.
    request.settings.compression.client_no_context_takeover = true;
    let session: SessionId = engine.connect(request);
    let deadline = Instant::now() + CASE_LIMIT;
    let mut first_text = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(event) = events.recv_timeout(left) else {
            eprintln!("autobahn_client: {url} did not end within {CASE_LIMIT:?}");
            engine.disconnect(session);
            return first_text;
        };
        if event.session != session {
            continue;
        }
        match event.kind {
            EventKind::Message {
                direction: wsprobe::engine::Direction::Received,
                opcode,
                payload,
                ..
            } => {
                if first_text.is_none() && opcode == Opcode::Text {
                    first_text = Some(String::from_utf8_lossy(&payload).into_owned());
                }
                if echo {
                    let message = match opcode {
                        // The engine only reports text that is valid UTF-8.
                        Opcode::Text => {
                            Outgoing::Text(String::from_utf8_lossy(&payload).into_owned())
                        }
                        Opcode::Binary => Outgoing::Binary(payload),
                    };
                    engine.send(session, message);
                }
            }
            EventKind::Closed { .. } => return first_text,
            _ => {}
        }
    }
}
