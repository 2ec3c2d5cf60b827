//! A script's on-message handler that parses JSON and counts, fed 100,000 messages of about
//! 100 bytes (deCONZ-like events) in the engine's batch size: the script room alone, without
//! the network. `wsprobe test` against `wsprobe serve`'s /flood?json=1 measures the whole
//! path (see the README's Scripts section). Run with `cargo bench --bench script`.

use std::sync::mpsc;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wsprobe::script::{Script, ScriptConfig, ScriptEvent, ScriptInit, ScriptOutput};

const MESSAGES: usize = 100_000;
const BATCH: usize = 4096;

const HANDLER: &str = r#"
let count = 0;
ws.on("message", (msg) => {
    const e = msg.json();
    if (e.r === "sensors") count++;
});
ws.on("close", () => console.log(String(count)));
"#;

fn payload() -> Bytes {
    Bytes::from_static(
        br#"{"t":"event","e":"changed","r":"sensors","id":"7","state":{"buttonevent":1002,"lastupdated":"2026-12-02T10:00:00"}}"#,
    )
}

fn run_once(batches: &[Vec<ScriptEvent>]) {
    let (tx, rx) = mpsc::channel();
    let (script, _) = Script::start(
        ScriptConfig::new(HANDLER, "bench"),
        ScriptInit::default(),
        Box::new(move |out| {
            let _ = tx.send(out);
        }),
    )
    .expect("the script starts");
    script.feed(vec![ScriptEvent::Open {
        event: 1,
        url: "ws://127.0.0.1/".into(),
        subprotocol: None,
    }]);
    for batch in batches {
        script.feed(batch.clone());
    }
    script.feed(vec![ScriptEvent::Close {
        event: 2,
        code: 1000,
        reason: String::new(),
        by: "server",
    }]);
    script.finish();
    let counted = rx.try_iter().find_map(|out| match out {
        ScriptOutput::Log { text, .. } => Some(text),
        _ => None,
    });
    assert_eq!(counted.as_deref(), Some(MESSAGES.to_string().as_str()));
}

fn bench(c: &mut Criterion) {
    let payload = payload();
    let batches: Vec<Vec<ScriptEvent>> = (0..MESSAGES)
        .collect::<Vec<_>>()
        .chunks(BATCH)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&i| ScriptEvent::Message {
                    event: i as u64 + 2,
                    payload: payload.clone(),
                    binary: false,
                    time_ms: 0.0,
                })
                .collect()
        })
        .collect();
    let mut group = c.benchmark_group("script");
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.sample_size(10);
    group.bench_function("json_parse_and_count_100k", |b| {
        b.iter(|| run_once(&batches))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
