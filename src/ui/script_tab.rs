//! The Script tab (the request's JavaScript, highlighted, with its last error under it), the
//! script's limits in Settings, and the Tests list beside the events.

use egui::{Color32, RichText, Ui};

use super::scripting::ScriptRun;
use super::widgets::{CodeEditor, VarContext, code_editor::Syntax};
use crate::model::{ConnectionSettings, SavedRequest};

/// A first script for an empty Script tab (the "Insert an example" button).
pub const EXAMPLE: &str = r#"// Runs on Connect, beside the connection. See the README's Scripts section.
ws.on("open", () => {
  ws.send(JSON.stringify({ op: "subscribe", room: vars.get("room") ?? "lobby" }));
  expectMessage("the subscribe is answered", (msg) => msg.text.length > 0, 2000);
});

ws.on("message", (msg) => {
  const e = msg.json();
  test("messages are objects", () => expect(typeof e).toBe("object"));
});

ws.on("close", (c) => test("closed normally", () => expect(c.code).toBe(1000)));
"#;

/// The Script tab.
pub fn script_tab(
    ui: &mut Ui,
    request: &mut SavedRequest,
    run: &ScriptRun,
    editor: &mut CodeEditor,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(
                "JavaScript run on Connect: ws.on(\"open\" | \"message\" | \"close\" | \"error\"), \
                 ws.send, ws.close, vars.get/set, test/expect, expectMessage, timers, console.",
            )
            .weak(),
        );
        if request.script.trim().is_empty() && ui.button("Insert an example").clicked() {
            request.script = EXAMPLE.to_owned();
        }
    });
    ui.add_space(4.0);
    // The error line goes under the editor; keep room for it.
    let error_room = if run.last_error.is_some() { 48.0 } else { 24.0 };
    let rows = ((ui.available_height() - error_room) / 16.0).max(4.0) as usize;
    egui::ScrollArea::vertical()
        .id_salt("script_scroll")
        .max_height((ui.available_height() - error_room).max(80.0))
        .show(ui, |ui| {
            editor.ui(
                ui,
                egui::Id::unique("script_editor"),
                &mut request.script,
                Syntax::JavaScript,
                &VarContext::default(),
                "Script editor",
                rows,
            );
        });
    ui.add_space(4.0);
    if let Some(error) = &run.last_error {
        let place = match (error.line, error.column) {
            (Some(line), Some(column)) => format!("Line {line}, column {column}: "),
            (Some(line), None) => format!("Line {line}: "),
            _ => String::new(),
        };
        ui.add(
            egui::Label::new(
                RichText::new(format!("⚠ {place}{}", error.message))
                    .color(ui.visuals().error_fg_color),
            )
            .wrap(),
        );
    } else if run.is_starting() {
        ui.label(RichText::new("Starting the script…").weak());
    } else if run.active() {
        ui.label(RichText::new("● Script running").color(Color32::from_rgb(60, 170, 90)));
    }
}

/// Settings → Script: the limits a script runs under (applied on the next Connect).
pub fn script_limits_grid(ui: &mut Ui, s: &mut ConnectionSettings) {
    egui::Grid::new("script_limits_grid")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .min_col_width(150.0)
        .show(ui, |ui| {
            let l = ui.label("Script time limit (ms)");
            ui.add(
                egui::DragValue::new(&mut s.script_time_limit_ms)
                    .range(10..=600_000)
                    .speed(10),
            )
            .labelled_by(l.id)
            .on_hover_text("One script callback may run this long before the script is stopped");
            ui.end_row();
            let l = ui.label("Script memory limit (MiB)");
            ui.add(egui::DragValue::new(&mut s.script_memory_limit_mib).range(4..=4096))
                .labelled_by(l.id)
                .on_hover_text("A script that allocates more than this is stopped");
            ui.end_row();
        });
}

/// The label of the events panel's Tests tab: "Tests 11/12".
pub fn tests_label(run: &ScriptRun) -> String {
    let (passed, total) = run.counts();
    format!("Tests {passed}/{total}")
}

/// The Tests list: each result with its message and the event it came from. Returns the
/// event (log sequence number) whose "event" link was clicked.
pub fn tests_panel(ui: &mut Ui, run: &ScriptRun, compare: &mut bool) -> Option<u64> {
    let (passed, total) = run.counts();
    let mut clicked = None;
    ui.horizontal(|ui| {
        let failed = total - passed;
        ui.label(format!("{passed} passed, {failed} failed"));
        if !run.previous.is_empty() {
            ui.checkbox(compare, "Compare with the previous run");
        }
    });
    ui.separator();
    if run.tests.is_empty() {
        let text = if run.active() {
            "No test results yet"
        } else {
            "No test results: scripts record them with test(…) and expectMessage(…)"
        };
        super::widgets::empty_state(ui, text);
        return None;
    }
    if *compare {
        let (count, names) = run.not_run(10);
        if count > 0 {
            let more = if count > names.len() {
                format!(" and {} more", count - names.len())
            } else {
                String::new()
            };
            ui.label(
                RichText::new(format!("Not run this time: {}{more}", names.join(", "))).weak(),
            );
        }
    }
    // One line per result and only the visible ones drawn: a script may record a test for
    // every message of a flood. A failure's whole message shows on hover.
    let row_height = ui.spacing().interact_size.y;
    egui::ScrollArea::both()
        .id_salt("tests_scroll")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, run.tests.len(), |ui, rows| {
            for i in rows {
                let test = &run.tests[i];
                ui.push_id(("test_result", i), |ui| {
                    ui.horizontal(|ui| {
                        let (mark, color) = if test.passed {
                            ("✔", Color32::from_rgb(60, 170, 90))
                        } else {
                            ("✖", ui.visuals().error_fg_color)
                        };
                        ui.label(RichText::new(mark).color(color).strong());
                        ui.label(&test.name);
                        ui.label(RichText::new(format!("{:.0} ms", test.at_ms)).weak());
                        if *compare {
                            ui.label(RichText::new(run.previous_outcome(&test.name)).weak());
                        }
                        if test.event > 0
                            && ui
                                .small_button(format!("event #{}", test.event))
                                .on_hover_text("Select the event this result came from")
                                .clicked()
                        {
                            clicked = Some(test.event);
                        }
                        if !test.passed && !test.message.is_empty() {
                            let line = test.message.lines().collect::<Vec<_>>().join(" · ");
                            ui.add(
                                egui::Label::new(
                                    RichText::new(line)
                                        .monospace()
                                        .color(ui.visuals().error_fg_color),
                                )
                                .extend(),
                            )
                            .on_hover_text(RichText::new(&test.message).monospace());
                        }
                    });
                });
            }
        });
    clicked
}
