//! Driving the real app with egui_kittest: open it on a workspace folder, run frames until a
//! condition holds (with a deadline, never a sleep as synchronisation), find event rows.
//! Shared by the GUI test files (`tests/gui.rs`, `inspect.rs`, `composer.rs`, `comfort.rs`, ...).

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use wsprobe::log::EventLog;
use wsprobe::ui::App;
use wsprobe::ui::widgets::ConnState;

/// `n` received text events, one millisecond apart, the payload of event `i` being
/// `payload(i)` (to fill a request's log without a server).
pub fn received_events(
    n: usize,
    payload: impl Fn(usize) -> String,
) -> impl Iterator<Item = wsprobe::engine::Event> {
    use wsprobe::engine::{Direction, Event, EventKind, Opcode};
    (0..n).map(move |i| Event {
        at_ms: 1_764_000_000_000 + i as i64,
        session: wsprobe::engine::SessionId(1),
        kind: EventKind::Message {
            direction: Direction::Received,
            opcode: Opcode::Text,
            payload: bytes::Bytes::from(payload(i)),
            wire_size: None,
        },
    })
}

/// How long a GUI test waits for anything before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// The window size most GUI tests use.
pub const SIZE: egui::Vec2 = egui::vec2(1300.0, 820.0);

/// A harness around `app` at `size`, stepping with real frame times (so two clicks in a row
/// make a double-click).
pub fn harness_sized(app: App, size: egui::Vec2) -> Harness<'static, App> {
    Harness::builder()
        .with_size(size)
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app)
}

pub fn harness(app: App) -> Harness<'static, App> {
    harness_sized(app, SIZE)
}

/// The app on the workspace in `dir`, after its first frames.
pub fn open_sized(dir: &std::path::Path, size: egui::Vec2) -> Harness<'static, App> {
    let mut h = harness_sized(App::new(dir).expect("workspace opens"), size);
    h.run();
    h
}

pub fn open(dir: &std::path::Path) -> Harness<'static, App> {
    open_sized(dir, SIZE)
}

/// Runs frames until `condition` holds, then lets the UI settle (without failing if a live
/// feed keeps it repainting); fails the test after [`WAIT`].
pub fn run_until<S>(
    h: &mut Harness<'_, S>,
    what: &str,
    condition: impl Fn(&Harness<'_, S>) -> bool,
) {
    let deadline = Instant::now() + WAIT;
    loop {
        h.step();
        if condition(h) {
            h.run_ok();
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        // Not synchronisation: just don't spin a core while the network works.
        std::thread::sleep(Duration::from_millis(5));
    }
}

pub fn selected_id(h: &Harness<'_, App>) -> String {
    h.state()
        .workspace()
        .selected_request
        .clone()
        .expect("a request is selected")
}

/// The connection state of the selected request.
pub fn state_of(h: &Harness<'_, App>) -> ConnState {
    let id = selected_id(h);
    h.state().session(&id).map(|s| s.state).unwrap_or_default()
}

/// The event log of the selected request.
pub fn log_of<'a>(h: &'a Harness<'_, App>) -> &'a EventLog {
    &h.state().session(&selected_id(h)).expect("a session").log
}

pub fn has_label_containing(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Event rows: buttons whose accessible names start with the direction glyph (↑ ↓ •).
pub fn rows(h: &Harness<'_, App>, glyph: char, text: &str) -> usize {
    h.query_all_by(|n| is_row(n.role(), n.label(), glyph, text))
        .count()
}

pub fn click_row(h: &mut Harness<'_, App>, glyph: char, text: &str) {
    h.query_all_by(|n| is_row(n.role(), n.label(), glyph, text))
        .next()
        .unwrap_or_else(|| panic!("a row {glyph} {text}"))
        .click();
    h.run();
}

fn is_row(role: Role, label: Option<String>, glyph: char, text: &str) -> bool {
    role == Role::Button && label.is_some_and(|l| l.starts_with(glyph) && l.contains(text))
}

/// Creates a request with the + button and accepts the proposed name.
pub fn add_request(h: &mut Harness<'_, App>) {
    h.get_by_label("Add request").click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
}

pub fn set_url(h: &mut Harness<'_, App>, url: &str) {
    h.get_by_label("URL").set_text_value_accesskit(url);
    h.run();
}

/// A new request to `url`, connected.
pub fn connect_to(h: &mut Harness<'_, App>, url: &str) {
    add_request(h);
    set_url(h, url);
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(h, "Connected", |h| state_of(h) == ConnState::Connected);
}
