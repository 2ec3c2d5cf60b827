//! Work that must not depend on the window being drawn, or block it: the logic step keeps
//! draining a flood with no frame drawn (a hidden window), and an export of a million events
//! runs as a background job while frames keep coming.

use std::time::{Duration, Instant};

use crate::support;

use egui_kittest::kittest::Queryable as _;
use support::gui::*;
use wsprobe::engine::MAX_BACKLOG;
use wsprobe::export::ExportFormat;
use wsprobe::model::SavedRequest;
use wsprobe::ui::App;

/// How long these tests wait for the network or the disk before failing.
const LONG_WAIT: Duration = Duration::from_secs(120);

/// An app on a fresh workspace with one selected request to `url`.
fn app_with_request(dir: &std::path::Path, url: &str) -> (App, String) {
    let mut app = App::new(dir).expect("workspace opens");
    let request = SavedRequest::new("Flood", url);
    let id = request.id.clone();
    app.workspace_mut().requests.push(request);
    app.workspace_mut().selected_request = Some(id.clone());
    (app, id)
}

/// `wsprobe serve` on 127.0.0.1, any free port; returns its base URL.
fn start_demo_server() -> String {
    support::runtime().block_on(async {
        let (listener, addr) = wsprobe::serve::bind("127.0.0.1", 0)
            .await
            .expect("bind the demo server");
        tokio::spawn(wsprobe::serve::serve(listener));
        format!("ws://{addr}")
    })
}

/// With only the logic step running (what eframe calls while the window is minimized), a
/// sustained flood keeps flowing into the request's log. Without draining, the engine would
/// pause reading once MAX_BACKLOG events wait, and the log could never pass that.
#[test]
fn the_logic_step_alone_keeps_draining_a_flood() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = start_demo_server();
    let (mut app, id) = app_with_request(dir.path(), &format!("{base}/flood?rate=100000"));
    // A context that never runs a pass: no `ui`, no drawing, as while hidden.
    let ctx = egui::Context::default();
    app.logic(&ctx);
    app.connect(&id);
    let target = MAX_BACKLOG + 20_000;
    let deadline = Instant::now() + LONG_WAIT;
    let logged = |app: &App| app.session(&id).map_or(0, |s| s.log.len());
    while logged(&app) <= target {
        assert!(
            Instant::now() < deadline,
            "only {} events logged, want more than {target}",
            logged(&app)
        );
        app.logic(&ctx);
        // Not synchronisation: just don't spin a core while the flood arrives.
        std::thread::sleep(Duration::from_millis(2));
    }
    let rs = app.session(&id).expect("a session");
    assert_eq!(rs.state, wsprobe::ui::widgets::ConnState::Connected);
    assert_eq!(
        rs.log.dropped(),
        0,
        "nothing dropped: the log is under its cap"
    );
    app.disconnect(&id);
}

/// Exporting a million events is a background job: the frame that starts it returns while
/// the job runs (its spinner line shows), frames keep coming, and the notice reports all
/// the events once the file is written.
#[test]
fn exporting_a_million_events_does_not_block_frames() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, id) = app_with_request(dir.path(), "ws://127.0.0.1:1/");
    let events = 1_000_000;
    app.session_mut(&id)
        .log
        .extend(received_events(events, |i| format!("{{\"n\":{i}}}")));
    let mut h = harness(app);
    // The list takes a few frames to take in a million events (within the frame budget).
    run_until(&mut h, "every event is listed", |h| {
        let rs = h.state().session(&id).expect("a session");
        rs.view.filtering_progress(&rs.log).is_none() && !rs.view.behind(&rs.log)
    });
    assert!(has_label_containing(
        &h,
        &format!("{} events", wsprobe::ui::message_check::thousands(events))
    ));

    // What the Export menu does once the dialog answers, with a gate so the test sees the
    // running job for certain (the writer waits for it before it starts).
    let path = dir.path().join("events.jsonl");
    let (release, gate) = std::sync::mpsc::channel::<()>();
    {
        let rs = h.state_mut().session_mut(&id);
        assert!(rs.view.start_export_gated(
            &path,
            ExportFormat::JsonLines,
            &rs.log,
            &[],
            Some(gate)
        ));
        // A second export is refused while this one runs.
        assert!(
            !rs.view
                .start_export(&path, ExportFormat::JsonLines, &rs.log, &[])
        );
    }
    h.step();
    assert!(
        h.query_by_label_contains("Exporting to events.jsonl…")
            .is_some(),
        "the spinner line shows while the job runs"
    );
    assert!(h.state().session(&id).unwrap().view.exporting().is_some());
    // The window keeps working meanwhile.
    h.get_by_label("Search events")
        .set_text_value_accesskit("\"n\":7");
    h.step();
    h.step();

    release.send(()).expect("the job waits for the gate");
    let deadline = Instant::now() + LONG_WAIT;
    let done = format!("Exported {events} events to");
    while !has_label_containing(&h, &done) {
        assert!(Instant::now() < deadline, "the export did not finish");
        h.step();
        // Not synchronisation: only not spinning while the worker writes.
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(h.state().session(&id).unwrap().view.exporting().is_none());
    let text = std::fs::read_to_string(&path).expect("the export file");
    assert_eq!(text.lines().count(), events);
}
