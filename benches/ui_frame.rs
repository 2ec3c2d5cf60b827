//! One full frame of the real app's UI (no GPU: egui's `Context::run_ui` with `App::ui`) with
//! 1,000,000 events in the selected request's log: unfiltered, and with a search filter active;
//! and the frames that follow a change of the search text (the worst of them, per mode).
//! Run with `cargo bench --bench ui_frame`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use wsprobe::engine::{Direction, Event, EventKind, Opcode};
use wsprobe::log::SearchMode;
use wsprobe::model::SavedRequest;
use wsprobe::ui::App;

const EVENTS: usize = 1_000_000;

fn event(i: usize) -> Event {
    let mut body = format!(
        "{{\"t\":\"event\",\"e\":\"changed\",\"r\":\"sensors\",\"id\":\"{}\",\"state\":{{\"temperature\":{}}}}}",
        i % 40,
        2000 + i % 97
    )
    .into_bytes();
    body.resize(100, b' ');
    Event {
        at_ms: 1_764_000_000_000 + i as i64,
        session: wsprobe::engine::SessionId(1),
        kind: EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: Bytes::from(body),
            wire_size: None,
        },
    }
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    }
}

/// The real app on a temp workspace with one selected request (its id), for its log.
fn app_with_one_request() -> (tempfile::TempDir, App, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = App::new(dir.path()).expect("workspace opens");
    let request = SavedRequest::new("Flood", "ws://127.0.0.1:1/flood");
    let id = request.id.clone();
    app.workspace_mut().requests.push(request);
    app.workspace_mut().selected_request = Some(id.clone());
    (dir, app, id)
}

fn ui_frame(c: &mut Criterion) {
    let (_dir, mut app, id) = app_with_one_request();
    app.session_mut(&id).log.extend((0..EVENTS).map(event));
    let ctx = egui::Context::default();
    // Warm up: fonts, layout caches, and the events view's first (incremental) filtering.
    for _ in 0..400 {
        let _ = ctx.run_ui(input(), |ui| app.ui(ui));
    }

    let mut group = c.benchmark_group("ui_frame");
    group.sample_size(30);
    group.bench_function("1M events, no filter", |b| {
        b.iter(|| black_box(ctx.run_ui(input(), |ui| app.ui(ui))))
    });

    // A search that keeps 1 in 40 events; let the re-filter (bounded per frame) finish first.
    app.session_mut(&id).view.search = "\"id\":\"7\"".to_owned();
    for _ in 0..2_000 {
        let _ = ctx.run_ui(input(), |ui| app.ui(ui));
        let rs = app.session(&id).expect("session");
        if rs.view.filtering_progress(&rs.log).is_none() {
            break;
        }
    }
    group.bench_function("1M events, search filter", |b| {
        b.iter(|| black_box(ctx.run_ui(input(), |ui| app.ui(ui))))
    });
    group.finish();
}

/// A received text message of about 1 MB of pretty JSON (the slow event for a search).
fn big_json_event(at: usize) -> Event {
    let items: Vec<serde_json::Value> = (0..12_000)
        .map(|i| serde_json::json!({ "id": i, "name": format!("item-{i}"), "tags": ["a", "b"] }))
        .collect();
    let body = serde_json::to_vec_pretty(&serde_json::json!({ "r": "bulk", "items": items }))
        .unwrap_or_default();
    Event {
        at_ms: 1_764_000_000_000 + at as i64,
        session: wsprobe::engine::SessionId(1),
        kind: EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: Bytes::from(body),
            wire_size: None,
        },
    }
}

/// Changing the search text with 1,000,000 events (and a few 1 MB JSON messages among them):
/// each iteration switches between two searches and runs frames until the re-filter is done.
/// What criterion reports is the *worst* frame of each re-filter; the frames it took and the
/// worst frame seen overall are printed too.
fn search_change(c: &mut Criterion) {
    let (_dir, mut app, id) = app_with_one_request();
    let big = big_json_event(0);
    eprintln!("slow event: {} bytes of JSON", big.size());
    app.session_mut(&id).log.extend((0..EVENTS).map(|i| {
        if i % 250_000 == 125_000 {
            big.clone()
        } else {
            event(i)
        }
    }));
    let ctx = egui::Context::default();
    let settle = |app: &mut App| -> (Duration, usize) {
        let mut worst = Duration::ZERO;
        for frames in 1..=10_000 {
            let started = Instant::now();
            black_box(ctx.run_ui(input(), |ui| app.ui(ui)));
            worst = worst.max(started.elapsed());
            let rs = app.session(&id).expect("session");
            if rs.view.filtering_progress(&rs.log).is_none() {
                return (worst, frames);
            }
        }
        panic!("filtering did not finish");
    };
    settle(&mut app);

    let mut group = c.benchmark_group("search_change");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    for (mode, searches) in [
        (SearchMode::Text, ["\"id\":\"7\"", "\"id\":\"8\""]),
        (SearchMode::Regex, ["\"id\":\"7\"", "temp\\w+\":20[0-4]\\d"]),
        (SearchMode::Json, ["id=7", "r=sensors id!=8"]),
    ] {
        app.session_mut(&id).view.mode = mode;
        let mut turn = 0usize;
        let mut worst_overall = Duration::ZERO;
        let mut frames_to_finish = Vec::new();
        group.bench_function(
            format!("1M events, worst frame after a {mode:?} search change"),
            |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        turn += 1;
                        app.session_mut(&id).view.search = searches[turn % 2].to_owned();
                        let (worst, frames) = settle(&mut app);
                        worst_overall = worst_overall.max(worst);
                        frames_to_finish.push(frames);
                        total += worst;
                    }
                    total
                })
            },
        );
        frames_to_finish.sort_unstable();
        if frames_to_finish.is_empty() {
            continue; // Filtered out on the command line.
        }
        eprintln!(
            "{mode:?} search change: worst frame {:.2} ms over {} re-filters; frames to finish: median {}, max {}",
            worst_overall.as_secs_f64() * 1000.0,
            frames_to_finish.len(),
            frames_to_finish[frames_to_finish.len() / 2],
            frames_to_finish[frames_to_finish.len() - 1],
        );
    }
    group.finish();
}

criterion_group!(benches, ui_frame, search_change);
criterion_main!(benches);
