//! One full frame of the real app's UI (no GPU: egui's `Context::run_ui` with `App::ui`) with
//! 1,000,000 events in the selected request's log: unfiltered, and with a search filter active.
//! Run with `cargo bench --bench ui_frame`.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use wsprobe::engine::{Direction, Event, EventKind, Opcode};
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
        session: 1,
        kind: EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: Bytes::from(body),
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

fn ui_frame(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = App::new(dir.path()).expect("workspace opens");
    let request = SavedRequest::new("Flood", "ws://127.0.0.1:1/flood");
    let id = request.id.clone();
    app.workspace_mut().requests.push(request);
    app.workspace_mut().selected_request = Some(id.clone());
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

criterion_group!(benches, ui_frame);
criterion_main!(benches);
