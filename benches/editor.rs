//! The Message tab's editor with a ~1 MB pretty JSON body (shown plain) and a 240 KB one (just
//! under the highlighting limit): one frame that types one character into it (in the middle of
//! the text), and one idle frame. A frame here is the real app's
//! `App::ui` under egui's `Context::run_ui` plus tessellating its shapes (what the CPU does
//! before the GPU gets the frame). Then a 3 MB draft pasted into an empty editor (the memory it
//! costs, typing, idle frames and whether they ask for more), and a 3 MB message in the detail
//! view with its find box focused. Run with `cargo bench --bench editor`.

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use egui::text::{CCursor, CCursorRange};
use wsprobe::engine::{Direction, Event, EventKind, Opcode, SessionId};
use wsprobe::model::{MessageFormat, SavedRequest};
use wsprobe::ui::App;
use wsprobe::ui::composer::message_editor_id;
use wsprobe::ui::event_detail::find_box_id;

/// A pretty-printed JSON document: `bytes` counts the items' own pretty size, the nesting adds
/// about a third (790 KiB of items make ~1.0 MiB; many short lines, like real data).
pub fn big_pretty_json(bytes: usize) -> String {
    let mut items = Vec::new();
    let mut size = 0;
    let mut i = 0u64;
    while size < bytes {
        let item = serde_json::json!({
            "id": i,
            "name": format!("sensor-{i}"),
            "state": { "temperature": 20.0 + (i % 97) as f64 / 10.0, "on": i.is_multiple_of(2) },
            "tags": ["kitchen", "floor-1"],
        });
        size += serde_json::to_string_pretty(&item).map_or(0, |s| s.len() + 8);
        items.push(item);
        i += 1;
    }
    serde_json::to_string_pretty(&serde_json::json!({ "items": items })).unwrap_or_default()
}

fn input(events: Vec<egui::Event>) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        focused: true,
        events,
        ..Default::default()
    }
}

/// One frame as the window runs it on the CPU: the UI, then tessellation.
fn frame(ctx: &egui::Context, app: &mut App, events: Vec<egui::Event>) -> usize {
    frame_asking(ctx, app, events).0
}

/// [`frame`], also returning how long it asks the window to wait for the next frame
/// (`Duration::MAX`: none until something happens).
fn frame_asking(ctx: &egui::Context, app: &mut App, events: Vec<egui::Event>) -> (usize, Duration) {
    let output = ctx.run_ui(input(events), |ui| app.ui(ui));
    let next = output
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(Duration::ZERO, |v| v.repaint_delay);
    let meshes = ctx.tessellate(output.shapes, output.pixels_per_point);
    (meshes.len(), next)
}

/// "no frame" or "a frame in 0.50 s".
fn next_frame(delay: Duration) -> String {
    if delay == Duration::MAX {
        "no frame".to_owned()
    } else {
        format!("a frame in {:.2} s", delay.as_secs_f64())
    }
}

/// The app with a request whose draft is `body` (JSON), the editor focused with the cursor in
/// the middle of the text, after one typed character has been checked to reach the draft.
fn app_typing_into(body: String) -> (App, egui::Context, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = App::new(dir.path()).expect("workspace opens");
    let mut request = SavedRequest::new("Big", "ws://127.0.0.1:1/");
    eprintln!("body: {} bytes, {} lines", body.len(), body.lines().count());
    let middle = body.chars().count() / 2;
    request.draft.format = MessageFormat::Json;
    request.draft.body = body;
    let id = request.id.clone();
    app.workspace_mut().requests.push(request);
    app.workspace_mut().selected_request = Some(id);

    let ctx = egui::Context::default();
    for _ in 0..3 {
        frame(&ctx, &mut app, Vec::new());
    }
    // Focus the editor with the cursor in the middle of the text.
    let editor = message_editor_id();
    ctx.memory_mut(|m| m.request_focus(editor));
    let mut state = egui::TextEdit::load_state(&ctx, editor).unwrap_or_default();
    state
        .cursor
        .set_char_range(Some(CCursorRange::one(CCursor::new(middle))));
    egui::TextEdit::store_state(&ctx, editor, state);
    for _ in 0..3 {
        frame(&ctx, &mut app, Vec::new());
    }
    let before = app.workspace().requests.last().map(|r| r.draft.body.len());
    frame(&ctx, &mut app, vec![egui::Event::Text("x".into())]);
    let after = app.workspace().requests.last().map(|r| r.draft.body.len());
    assert_eq!(
        after.zip(before).map(|(a, b)| a - b),
        Some(1),
        "typing reaches the editor"
    );
    (app, ctx, dir)
}

fn editor(c: &mut Criterion) {
    let mut group = c.benchmark_group("editor");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    let (mut app, ctx, _dir) = app_typing_into(big_pretty_json(790 * 1024));
    group.bench_function("1 MB JSON, type one character", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app, vec![egui::Event::Text("x".into())])))
    });
    group.bench_function("1 MB JSON, idle frame", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app, Vec::new())))
    });
    drop(app);
    // Just under the highlighting limit: syntax colours on.
    let (mut app, ctx, _dir2) = app_typing_into(big_pretty_json(180 * 1024));
    group.bench_function("240 KB JSON (highlighted), type one character", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app, vec![egui::Event::Text("x".into())])))
    });
    group.bench_function("240 KB JSON (highlighted), idle frame", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app, Vec::new())))
    });
    drop(app);
    // A 3 MB message pasted into an empty editor (issue 18): the memory it costs, then
    // typing into it.
    let (mut app, ctx, _dir3) = app_typing_into(String::new());
    let pasted = big_pretty_json(2400 * 1024);
    let rss_before = rss_kib();
    frame(&ctx, &mut app, vec![egui::Event::Paste(pasted.clone())]);
    for _ in 0..3 {
        frame(&ctx, &mut app, Vec::new());
    }
    let rss_after = rss_kib();
    let len = app
        .workspace()
        .requests
        .last()
        .map_or(0, |r| r.draft.body.len());
    eprintln!(
        "pasted {} bytes (draft now {len}): RSS {} MiB -> {} MiB",
        pasted.len(),
        rss_before / 1024,
        rss_after / 1024
    );
    group.bench_function("3 MB JSON pasted, type one character", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app, vec![egui::Event::Text("x".into())])))
    });
    group.bench_function("3 MB JSON pasted, idle frame", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app, Vec::new())))
    });
    let (_, next) = frame_asking(&ctx, &mut app, Vec::new());
    eprintln!(
        "after typing: RSS {} MiB; an idle frame with the 3 MB draft focused asks for {}",
        rss_kib() / 1024,
        next_frame(next)
    );
    drop(app);
    // The same size loaded with the workspace rather than pasted.
    let (mut app, ctx, _dir4) = app_typing_into(big_pretty_json(2400 * 1024));
    group.bench_function("3 MB JSON loaded, idle frame", |b| {
        b.iter(|| black_box(frame(&ctx, &mut app, Vec::new())))
    });
    drop(app);
    // A 3 MB received message in the detail view (its first 256 KiB shown) with the find box
    // focused and a needle typed: every frame of its cursor blink.
    let (mut app, ctx, _dir5) = app_typing_into(String::new());
    let id = app.workspace().selected_request.clone().unwrap_or_default();
    let big = big_pretty_json(2400 * 1024);
    let rs = app.session_mut(&id);
    rs.log.extend([Event {
        at_ms: 1_764_000_000_000,
        session: SessionId(1),
        kind: EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: Bytes::from(big.into_bytes()),
            wire_size: None,
        },
    }]);
    rs.view.selected = Some(rs.log.first_seq());
    // The detail (and its find box) is drawn first; then the box takes the focus and a needle.
    for _ in 0..3 {
        frame(&ctx, &mut app, Vec::new());
    }
    ctx.memory_mut(|m| m.request_focus(find_box_id()));
    frame(&ctx, &mut app, Vec::new());
    frame(&ctx, &mut app, vec![egui::Event::Text("sensor-1".into())]);
    // The view of a big payload is formatted on a worker: frames until it is in, with matches.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while app
        .session(&id)
        .is_none_or(|rs| rs.view.detail().match_count() == 0)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the find box got the needle"
        );
        frame(&ctx, &mut app, Vec::new());
    }
    group.bench_function(
        "3 MB message in the detail, find box focused, idle frame",
        |b| b.iter(|| black_box(frame(&ctx, &mut app, Vec::new()))),
    );
    let (_, next) = frame_asking(&ctx, &mut app, Vec::new());
    eprintln!(
        "an idle frame with the find box focused over the 3 MB detail asks for {}",
        next_frame(next)
    );
    group.finish();
}

/// The resident set of this process, in KiB (Linux; 0 elsewhere).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

criterion_group!(benches, editor);
criterion_main!(benches);
