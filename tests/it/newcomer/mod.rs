//! Issue 18, what a new user trips over in the window: each test reproduces one report the
//! way a user meets it (clicks, typing, a real server on 127.0.0.1), and fails without its fix.
//! Here the shared steps; [`failed`] (item 6), [`bugs`] (items 1–3, 5, 8, 9, 11, 13, 14),
//! [`keyboard`] (item 14's Tab order), [`trust`] (auth secrets, the file dialog, masking:
//! items 4, 7, 10), [`layout`] (items 16–18), [`looks`] (item 18's plot, placeholder,
//! borders and variable hover), [`panes`] (dividers, wrapping: items 16, 17) and
//! [`big_draft`] (item 15).

use crate::support;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use support::gui::*;
use support::*;
use wsprobe::ui::App;
use wsprobe::ui::widgets::ConnState;

mod big_draft;
mod bugs;
mod failed;
mod keyboard;
mod layout;
mod looks;
mod panes;
mod trust;

/// A new workspace in a temporary folder, open, with one new request selected.
fn fresh() -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    add_request(&mut h);
    (dir, h)
}

/// Adds a variable to Globals.
fn add_global(h: &mut Harness<'_, App>, variable: wsprobe::model::Variable) {
    h.state_mut()
        .workspace_mut()
        .globals
        .variables
        .push(variable);
}

/// Fills the selected request's log with `n` received messages.
fn log_messages(h: &mut Harness<'_, App>, n: usize, payload: impl Fn(usize) -> String) {
    let id = selected_id(h);
    h.state_mut()
        .session_mut(&id)
        .log
        .extend(received_events(n, payload));
    h.run();
}

/// Types `text` into whatever has the keyboard focus, as a user typing at once would.
fn type_now(h: &mut Harness<'_, App>, text: &str) {
    h.event(egui::Event::Text(text.to_owned()));
    h.run();
}

fn value_of(h: &Harness<'_, App>, label: &str) -> String {
    h.get_by_label(label).value().unwrap_or_default()
}

fn url_of(h: &Harness<'_, App>) -> String {
    let id = selected_id(h);
    h.state().workspace().request(&id).unwrap().url.clone()
}

fn type_body(h: &mut Harness<'_, App>, text: &str) {
    h.get_by_label("Message body").focus();
    h.run();
    h.get_by_label("Message body")
        .set_text_value_accesskit(text);
    h.run();
}

fn choose_format(h: &mut Harness<'_, App>, format: &str) {
    h.get_by_role_and_label(Role::Button, format).click();
    h.run();
}

fn press(h: &mut Harness<'_, App>, modifiers: egui::Modifiers, key: egui::Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// The palette's frame on screen.
fn palette_rect(h: &Harness<'_, App>) -> egui::Rect {
    h.ctx
        .memory(|m| m.area_rect(egui::Id::unique("command_palette")))
        .expect("the palette is shown")
}

fn open_settings(h: &mut Harness<'_, App>) {
    h.get_by_label("Settings").click();
    h.run();
}

/// Every file in the workspace folder that its `.gitignore` does not exclude, with its text.
fn git_tracked_files(root: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let ignored: Vec<String> = std::fs::read_to_string(root.join(".gitignore"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.trim().trim_start_matches('/').to_owned())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut out = Vec::new();
    let mut dirs = vec![root.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if ignored.contains(&rel) {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push((
                    path.clone(),
                    std::fs::read_to_string(&path).unwrap_or_default(),
                ));
            }
        }
    }
    out
}

fn choose_auth(h: &mut Harness<'_, App>, kind: &str) {
    h.get_by_label("Auth").click();
    h.run();
    h.get_by_label("Type").click();
    h.run();
    h.get_by_role_and_label(Role::Button, kind).click();
    h.run();
}

/// Runs frames (stepping: a spinner may keep repainting) until `condition` holds.
fn step_until(h: &mut Harness<'_, App>, what: &str, condition: impl Fn(&Harness<'_, App>) -> bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while !condition(h) {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        h.step();
        // Not synchronisation: only not spinning while a worker reads or writes a file.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run_ok();
}

/// Answers the window's own file dialog with `path`.
fn answer_dialog(h: &mut Harness<'_, App>, button: &str, path: &std::path::Path) {
    step_until(h, "the file dialog", |h| {
        h.query_by_label("File path").is_some()
    });
    h.get_by_label("File path")
        .set_text_value_accesskit(&path.display().to_string());
    h.run_ok();
    h.get_by_role_and_label(Role::Button, button).click();
    h.run_ok();
}

fn click_menu(h: &mut Harness<'_, App>, menu: &str, item: &str) {
    h.get_by_role_and_label(Role::Button, menu).click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, item).click();
    h.run_ok();
}
