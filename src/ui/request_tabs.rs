//! The request tabs other than Message: Params, Headers, Auth, Variables, Settings.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::auth_editor::{Inheriting, auth_editor, authorization_row};
use super::jobs::{FileDialog, Job, Poll};
use super::widgets::{ConnState, VarContext, kv_table, var_table};
use crate::model::url_params;
use crate::model::{Auth, ConnectionSettings, InheritedHeader, MessageFormat, SavedRequest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Message,
    Params,
    Headers,
    Auth,
    Variables,
    Script,
    Settings,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Message,
        Tab::Params,
        Tab::Headers,
        Tab::Auth,
        Tab::Variables,
        Tab::Script,
        Tab::Settings,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Message => "Message",
            Tab::Params => "Params",
            Tab::Headers => "Headers",
            Tab::Auth => "Auth",
            Tab::Variables => "Variables",
            Tab::Script => "Script",
            Tab::Settings => "Settings",
        }
    }
}

/// What the selected request gets from its folders, shown in its Headers and Auth tabs.
#[derive(Debug, Clone, Default)]
pub struct Inherited {
    pub headers: Vec<InheritedHeader>,
    /// Its auth after "Inherit from folder", and the folder that sets it.
    pub auth: (Auth, Option<String>),
}

#[derive(Default)]
pub struct RequestTabs {
    pub tab: Tab,
    reveal_secrets: bool,
    /// Secret rows of the Variables tab shown in clear, by (request id, row).
    revealed_vars: std::collections::HashSet<(String, usize)>,
    /// A CA file dialog running on its own thread: (request id, where the answer arrives).
    picking_ca: Option<(String, Job<Option<PathBuf>>)>,
    /// A client-certificate file dialog.
    picking_cert: super::client_cert::Picker,
    /// Settings → Socket.IO's auth payload editor.
    auth_editor: super::widgets::CodeEditor,
}

impl RequestTabs {
    /// The tab names, with counts as Postman shows them: "Params (1)", "Headers (2)" (the
    /// enabled, non-empty rows).
    pub fn tabs_row(&mut self, ui: &mut Ui, request: &SavedRequest) {
        let count = |rows: &[crate::model::KeyValue]| {
            rows.iter()
                .filter(|r| r.enabled && !(r.key.trim().is_empty() && r.value.is_empty()))
                .count()
        };
        ui.horizontal_wrapped(|ui| {
            for tab in Tab::ALL {
                let n = match tab {
                    Tab::Params => count(&request.params),
                    Tab::Headers => count(&request.headers),
                    _ => 0,
                };
                let text = if n > 0 {
                    format!("{} ({n})", tab.label())
                } else {
                    tab.label().to_owned()
                };
                if ui.selectable_label(self.tab == tab, text).clicked() {
                    self.tab = tab;
                }
            }
        });
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        request: &mut SavedRequest,
        state: ConnState,
        inherited: &Inherited,
        vars: &VarContext,
    ) {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| match self.tab {
                // Drawn by the app, which has the script's state.
                Tab::Message | Tab::Script => {}
                Tab::Params => params_tab(ui, request, vars),
                Tab::Headers => headers_tab(ui, request, inherited, vars),
                Tab::Auth => self.auth_tab(ui, request, inherited, vars),
                Tab::Variables => self.variables_tab(ui, request),
                Tab::Settings => self.settings_tab(ui, request, state, vars),
            });
    }

    fn auth_tab(
        &mut self,
        ui: &mut Ui,
        request: &mut SavedRequest,
        inherited: &Inherited,
        vars: &VarContext,
    ) {
        let inheriting = Inheriting {
            label: "Inherit from folder",
            resolved: inherited.auth.clone(),
        };
        auth_editor(
            ui,
            "request",
            &mut request.auth,
            &inheriting,
            &mut self.reveal_secrets,
            vars,
        );
    }

    fn variables_tab(&mut self, ui: &mut Ui, request: &mut SavedRequest) {
        ui.weak("This request's own variables: over its folders', the active environment's and Globals.");
        ui.add_space(4.0);
        let id = request.id.clone();
        let mut revealed: std::collections::HashSet<usize> = self
            .revealed_vars
            .iter()
            .filter(|(r, _)| *r == id)
            .map(|(_, i)| *i)
            .collect();
        var_table(
            ui,
            ("request_vars", &id),
            &mut request.variables,
            &mut revealed,
        );
        self.revealed_vars.retain(|(r, _)| *r != id);
        self.revealed_vars
            .extend(revealed.into_iter().map(|i| (id.clone(), i)));
    }

    fn settings_tab(
        &mut self,
        ui: &mut Ui,
        request: &mut SavedRequest,
        state: ConnState,
        vars: &VarContext,
    ) {
        // A file picked in the dialog (it runs on its own thread so the UI never waits).
        if let Some((id, job)) = &self.picking_ca {
            match job.poll(Some(ui.ctx())) {
                Poll::Running => {}
                Poll::Lost => self.picking_ca = None,
                Poll::Done(picked) => {
                    if *id == request.id
                        && let Some(path) = picked
                    {
                        request.settings.ca_cert_path = Some(path.display().to_string());
                    }
                    self.picking_ca = None;
                }
            }
        }
        let cert = &mut request.settings.client_certificate;
        self.picking_cert.poll(ui.ctx(), &request.id, cert);
        let locked = state.is_active();
        if locked {
            let (what, how) = match state {
                ConnState::Connecting => ("Connecting", "cancel"),
                ConnState::Reconnecting { .. } => ("Reconnecting", "cancel"),
                ConnState::Disconnecting => ("Disconnecting", "wait"),
                _ => ("Connected", "disconnect"),
            };
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("🔒 {what}: {how} to change these settings."),
            );
            ui.add_space(4.0);
        }
        let mut browse = false;
        let mut pick_cert = None;
        ui.add_enabled_ui(!locked, |ui| {
            if request.kind.is_socketio() {
                ui.strong("Socket.IO");
                let verdict = super::socketio::settings::check_settings(&request.socketio, || {
                    super::composer::resolver(vars)
                });
                super::socketio::settings::socketio_grid(
                    ui,
                    &mut request.socketio,
                    &verdict,
                    &mut self.auth_editor,
                    vars,
                );
                ui.add_space(8.0);
                ui.separator();
            }
            browse = settings_grid(ui, &mut request.settings);
            ui.add_space(8.0);
            ui.separator();
            ui.strong("Client certificate (mutual TLS)");
            let cert = &mut request.settings.client_certificate;
            pick_cert = super::client_cert::client_cert_grid(ui, cert);
            ui.add_space(8.0);
            ui.separator();
            ui.strong("Compression");
            super::compression::compression_grid(ui, &mut request.settings.compression);
            ui.add_space(8.0);
            ui.separator();
            ui.strong("Proxy");
            super::proxy::proxy_grid(ui, &mut request.settings.proxy);
        });
        ui.add_space(8.0);
        ui.separator();
        super::keepalive::keepalive_settings(ui, &mut request.settings, locked);
        // The log's caps are not about the connection: they apply at once, even while
        // connected (a lower cap drops the oldest events now).
        ui.add_space(8.0);
        ui.separator();
        ui.strong("Events log");
        log_caps_grid(ui, &mut request.settings);
        ui.add_space(8.0);
        ui.separator();
        ui.strong("Script");
        super::script_tab::script_limits_grid(ui, &mut request.settings);
        if let Some(pick) = pick_cert {
            self.picking_cert.start(ui.ctx(), &request.id, pick);
        }
        if browse && self.picking_ca.is_none() {
            self.picking_ca = Some((
                request.id.clone(),
                FileDialog::new("CA certificates (PEM)")
                    .filter("PEM certificates", &["pem", "crt", "cer"])
                    .pick_file(Some(ui.ctx())),
            ));
        }
    }
}

/// A two-column label/field grid. Both settings grids use it, so their fields line up.
fn form_grid(id: &str) -> egui::Grid {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([12.0, 8.0])
        .min_col_width(150.0)
}

/// How many events, and how much memory, the request's events log keeps.
pub fn log_caps_grid(ui: &mut Ui, s: &mut ConnectionSettings) {
    form_grid("log_caps_grid").show(ui, |ui| {
        let l = ui.label("Keep newest events");
        ui.add(
            egui::DragValue::new(&mut s.max_log_events)
                .range(1_000..=100_000_000)
                .speed(1000),
        )
        .labelled_by(l.id)
        .on_hover_text("The events log drops the oldest events beyond this many");
        ui.end_row();

        let l = ui.label("Events log memory (MiB)");
        ui.add(egui::DragValue::new(&mut s.max_log_mib).range(16..=65_536))
            .labelled_by(l.id)
            .on_hover_text(
                "The events log drops the oldest events when their payloads (plus about \
                     56 bytes each) would use more than this",
            );
        ui.end_row();
    });
}

/// The settings form; returns true when "Browse…" was clicked.
pub fn settings_grid(ui: &mut Ui, s: &mut ConnectionSettings) -> bool {
    let mut browse = false;
    // Grid cells do not know how much room is left: the pane's right edge does.
    let right = ui.max_rect().right();
    form_grid("settings_grid").show(ui, |ui| {
        let l = ui.label("Reconnect attempts");
        ui.add(egui::DragValue::new(&mut s.reconnect_attempts).range(0..=1000))
            .labelled_by(l.id)
            .on_hover_text("0 turns reconnecting off");
        ui.end_row();

        let l = ui.label("Reconnect interval (ms)");
        ui.add(
            egui::DragValue::new(&mut s.reconnect_interval_ms)
                .range(0..=3_600_000)
                .speed(100),
        )
        .labelled_by(l.id);
        ui.end_row();

        let l = ui.label("Follow redirects");
        ui.checkbox(&mut s.follow_redirects, "").labelled_by(l.id);
        ui.end_row();

        let l = ui.label("Max redirects");
        ui.add_enabled(
            s.follow_redirects,
            egui::DragValue::new(&mut s.max_redirects).range(0..=50),
        )
        .labelled_by(l.id);
        ui.end_row();

        let l = ui.label("Handshake timeout (ms)");
        ui.add(
            egui::DragValue::new(&mut s.handshake_timeout_ms)
                .range(100..=600_000)
                .speed(100),
        )
        .labelled_by(l.id);
        ui.end_row();

        let l = ui.label("Max message size (bytes)");
        ui.add(egui::DragValue::new(&mut s.max_message_size_bytes).speed(1024))
            .labelled_by(l.id)
            .on_hover_text("0 means unlimited");
        ui.end_row();

        let l = ui.label("Subprotocols");
        let mut joined = s.subprotocols.join(", ");
        if ui
            .add(egui::TextEdit::singleline(&mut joined).hint_text("chat, v2.json"))
            .labelled_by(l.id)
            .changed()
        {
            s.subprotocols = if joined.trim().is_empty() {
                Vec::new()
            } else {
                joined
                    .split(',')
                    .map(|p| p.trim_start().to_owned())
                    .collect()
            };
        }
        ui.end_row();

        let l = ui.label("Strict subprotocol");
        ui.checkbox(&mut s.strict_subprotocol, "")
            .labelled_by(l.id)
            .on_hover_text(
                "Close the connection (1002) when the server accepts none of the offered \
                 subprotocols. Off: it stays open, with a warning in the events",
            );
        ui.end_row();

        let l = ui.label("Open message");
        ui.vertical(|ui| {
            ui.add(
                egui::TextEdit::multiline(&mut s.open_message)
                    .desired_rows(2)
                    .font(egui::TextStyle::Monospace)
                    .hint_text("sent after every connect"),
            )
            .labelled_by(l.id);
            ui.horizontal(|ui| {
                let fl = ui.label("Open message format");
                egui::ComboBox::from_id_salt("open_message_format")
                    .selected_text(s.open_message_format.label())
                    .show_ui(ui, |ui| {
                        for f in MessageFormat::ALL {
                            ui.selectable_value(&mut s.open_message_format, f, f.label());
                        }
                    })
                    .response
                    .labelled_by(fl.id);
            });
        });
        ui.end_row();

        let l = ui.label("Accept invalid certificates");
        ui.checkbox(&mut s.accept_invalid_certs, "")
            .labelled_by(l.id);
        ui.end_row();

        let l = ui.label("CA file");
        // As wide as fits beside Browse…, which goes below the field in a very narrow pane.
        let room = right - ui.cursor().min.x;
        let beside = 80.0 + ui.spacing().item_spacing.x;
        let (layout, width) = if room >= 120.0 + beside {
            (
                egui::Layout::left_to_right(egui::Align::Center),
                room - beside,
            )
        } else {
            (egui::Layout::top_down(egui::Align::Min), room - 8.0)
        };
        ui.with_layout(layout, |ui| {
            let mut path = s.ca_cert_path.clone().unwrap_or_default();
            if ui
                .add(
                    egui::TextEdit::singleline(&mut path)
                        .hint_text("PEM file with extra trusted roots")
                        .desired_width(width.clamp(40.0, 220.0)),
                )
                .labelled_by(l.id)
                .changed()
            {
                s.ca_cert_path = (!path.trim().is_empty()).then_some(path);
            }
            browse = ui.button("Browse…").clicked();
        });
        ui.end_row();
    });
    browse
}

fn params_tab(ui: &mut Ui, request: &mut SavedRequest, vars: &VarContext) {
    ui.weak("Query parameters, kept in sync with the URL.");
    ui.add_space(4.0);
    if kv_table(ui, "params_table", &mut request.params, vars, "param") {
        request.url = url_params::url_with_params(&request.url, &request.params);
    }
}

fn headers_tab(ui: &mut Ui, request: &mut SavedRequest, inherited: &Inherited, vars: &VarContext) {
    kv_table(ui, "headers_table", &mut request.headers, vars, "header");
    super::folder_view::inherited_headers(ui, &inherited.headers);
    ui.add_space(10.0);
    ui.label(RichText::new("Added by the handshake").strong());
    let host = crate::template::parse_ws_url(&vars.expand_simple(&request.url))
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                u.port()
                    .map_or_else(|| h.to_owned(), |p| format!("{h}:{p}"))
            })
        })
        .unwrap_or_else(|| "from the URL".to_owned());
    let mut auto = vec![
        ("Host", host),
        ("Upgrade", "websocket".to_owned()),
        ("Connection", "Upgrade".to_owned()),
        ("Sec-WebSocket-Key", "(random, per connection)".to_owned()),
        ("Sec-WebSocket-Version", "13".to_owned()),
    ];
    if !request.settings.subprotocols.is_empty() {
        auto.push((
            "Sec-WebSocket-Protocol",
            request.settings.subprotocols.join(", "),
        ));
    }
    if let Some(offer) = crate::engine::deflate_offer(&request.settings.compression) {
        auto.push(("Sec-WebSocket-Extensions", offer));
    }
    if let Some(row) = authorization_row(&inherited.auth) {
        auto.push(("Authorization", row));
    }
    egui::Grid::new("auto_headers")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            for (name, value) in auto {
                ui.monospace(name);
                ui.add(egui::Label::new(RichText::new(value).monospace().weak()).truncate());
                ui.end_row();
            }
        });
}
