//! Settings → Socket.IO, shown for Socket.IO requests: protocol version, path, namespace,
//! the CONNECT auth payload and the ack timeout. Saved with the request
//! ([`crate::model::SocketIoSettings`]).
//!
//! The contract of [`check_settings`] (run while editing, and by Connect):
//! - the auth payload, after its variables are resolved, must be empty or a JSON object;
//!   anything else is red, and Connect refuses with the same words;
//! - an undefined variable or a stray `<<` in it is amber here (Connect then names it, as it
//!   does for the URL);
//! - the namespace and path are taken as the engine takes them (`admin` is `/admin`): a note
//!   says where it connects when that differs from what is written.

use egui::Ui;

use crate::format::error_chain;
use crate::model::{DEFAULT_SOCKETIO_PATH, EngineIoVersion, MessageFormat, SocketIoSettings};
use crate::template::Resolver;
use crate::ui::message_check::Validation;
use crate::ui::widgets::{CodeEditor, VarContext};

/// What is wrong with the Socket.IO settings, if anything (see the module doc).
pub fn check_settings(s: &SocketIoSettings, resolver: impl FnOnce() -> Resolver) -> Validation {
    auth_verdict(&s.auth, resolver)
}

/// The auth payload's verdict: red unless it is empty or a JSON object.
pub fn auth_verdict(auth: &str, resolver: impl FnOnce() -> Resolver) -> Validation {
    if auth.trim().is_empty() {
        return Validation::Ok;
    }
    let text = if auth.contains("<<") || auth.contains("<%") || auth.contains("<#") {
        match resolver().render("auth payload", auth) {
            Ok(text) => text,
            Err(e) => return Validation::Warning(error_chain(&e)),
        }
    } else {
        auth.to_owned()
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(_)) => Validation::Ok,
        Ok(_) => Validation::Error(
            "The auth payload must be a JSON object, e.g. {\"token\": \"<<token>>\"}".to_owned(),
        ),
        Err(e) => {
            let message = e.to_string();
            let why = message.split(" at line ").next().unwrap_or(&message);
            Validation::Error(format!(
                "Auth payload: invalid JSON at line {}, column {}: {why}",
                e.line(),
                e.column()
            ))
        }
    }
}

/// Why Connect must not go ahead with these settings: a red verdict, or an auth payload
/// whose variables cannot be resolved (at Connect that is an error, as in the URL).
pub fn connect_problem(
    s: &SocketIoSettings,
    resolver: impl FnOnce() -> Resolver,
) -> Option<String> {
    match check_settings(s, resolver) {
        Validation::Error(why) | Validation::Warning(why) => Some(why),
        Validation::Ok => None,
    }
}

/// The Socket.IO section of the Settings tab; `verdict` is [`check_settings`]'s, shown under
/// the auth payload, which is edited in `auth_editor` (JSON and `<<variables>>` highlighted,
/// variables offered as you type `<<`).
pub fn socketio_grid(
    ui: &mut Ui,
    s: &mut SocketIoSettings,
    verdict: &Validation,
    auth_editor: &mut CodeEditor,
    vars: &VarContext,
) {
    egui::Grid::new("socketio_grid")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .min_col_width(150.0)
        .show(ui, |ui| {
            let l = ui.label("Protocol version");
            egui::ComboBox::from_id_salt("socketio_version")
                .selected_text(match s.version {
                    EngineIoVersion::V4 => "v5 (Engine.IO 4)",
                    EngineIoVersion::V3 => "v4 (Engine.IO 3)",
                })
                .show_ui(ui, |ui| {
                    for v in [EngineIoVersion::V4, EngineIoVersion::V3] {
                        ui.selectable_value(&mut s.version, v, version_label(v));
                    }
                })
                .response
                .labelled_by(l.id)
                .on_hover_text(
                    "v5 over Engine.IO 4 for Socket.IO servers 3 and 4; v4 over Engine.IO 3 \
                     for Socket.IO 2 servers",
                );
            ui.end_row();

            let l = ui.label("Path");
            ui.add(
                egui::TextEdit::singleline(&mut s.path)
                    .hint_text(DEFAULT_SOCKETIO_PATH)
                    .desired_width(220.0),
            )
            .labelled_by(l.id)
            .on_hover_text(
                "The server's Engine.IO path; the query gets EIO=4&transport=websocket (EIO=3 \
                 for v4)",
            );
            ui.end_row();

            let l = ui.label("Namespace");
            ui.vertical(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut s.namespace)
                        .hint_text("/ or /admin")
                        .desired_width(220.0),
                )
                .labelled_by(l.id)
                .on_hover_text(
                    "Left at /, a path in the URL (http://host/admin) is the namespace, as in \
                     socket.io-client",
                );
                let normalized = crate::template::normalize_namespace(&s.namespace);
                if normalized != s.namespace {
                    ui.weak(format!("connects to {normalized}"));
                }
            });
            ui.end_row();

            // The editor is named "Auth payload (JSON)".
            ui.label("Auth payload");
            ui.vertical(|ui| {
                let id = egui::Id::unique("socketio_auth_editor");
                // Not the panel's whole width (the editor takes all it is given).
                let width = (ui.available_width() - 12.0).clamp(160.0, 320.0);
                ui.allocate_ui(egui::vec2(width, 0.0), |ui| {
                    ui.set_max_width(width);
                    auth_editor.ui(
                        ui,
                        id,
                        &mut s.auth,
                        MessageFormat::Json,
                        vars,
                        "Auth payload (JSON)",
                        3,
                    );
                });
                ui.weak("A JSON object sent in the CONNECT packet; empty sends none");
                // Connected or not is the request bar's business here.
                crate::ui::composer::verdict_ui(ui, verdict, true);
                if s.version == EngineIoVersion::V3 && !s.auth.trim().is_empty() {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "⚠ Socket.IO 2 servers take no auth payload: use a query param",
                    );
                }
            });
            ui.end_row();

            let l = ui.label("Ack timeout (ms)");
            ui.add(
                egui::DragValue::new(&mut s.ack_timeout_ms)
                    .range(0..=3_600_000)
                    .speed(100),
            )
            .labelled_by(l.id)
            .on_hover_text(
                "An emit that expects an acknowledgement gives up after this long (0: waits \
                 as long as the connection lasts)",
            );
            ui.end_row();
        });
}

fn version_label(v: EngineIoVersion) -> &'static str {
    match v {
        EngineIoVersion::V4 => "v5 (Engine.IO 4) — Socket.IO 3 and 4",
        EngineIoVersion::V3 => "v4 (Engine.IO 3) — Socket.IO 2",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Variable;

    fn check(auth: &str) -> Validation {
        let s = SocketIoSettings {
            auth: auth.to_owned(),
            ..SocketIoSettings::default()
        };
        check_settings(&s, || Resolver::new(&[Variable::new("token", "abc")]))
    }

    #[test]
    fn the_auth_payload_must_be_an_object_and_variables_are_amber() {
        assert_eq!(check(""), Validation::Ok);
        assert_eq!(check("{\"token\": \"<<token>>\"}"), Validation::Ok);
        let Validation::Error(e) = check("{\"token\": ") else {
            panic!()
        };
        assert!(e.starts_with("Auth payload: invalid JSON at line 1"), "{e}");
        assert!(matches!(check("[1]"), Validation::Error(_)));
        assert!(matches!(
            check("{\"token\": \"<<nobody>>\"}"),
            Validation::Warning(_)
        ));
        let bad = SocketIoSettings {
            auth: "1".into(),
            ..SocketIoSettings::default()
        };
        assert!(connect_problem(&bad, || Resolver::new(&[])).is_some());
        let undefined = SocketIoSettings {
            auth: "{\"a\": \"<<nobody>>\"}".into(),
            ..SocketIoSettings::default()
        };
        assert!(connect_problem(&undefined, || Resolver::new(&[])).is_some());
        assert_eq!(
            connect_problem(&SocketIoSettings::default(), || Resolver::new(&[])),
            None
        );
    }
}
