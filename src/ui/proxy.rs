//! Proxy settings: the workspace-wide proxy (in the Environments window) and each request's
//! choice (Settings → Proxy: the workspace's or the system's, none, or its own). The engine's
//! `proxy` room connects through what they say; the timeline shows the hop.

use egui::Ui;

use crate::model::ProxyChoice;

const URL_HINT: &str = "http://host:3128 · socks5h://user:<<proxy_pass>>@host:1080";

/// The request's choice; a Custom URL gets its own field.
pub fn proxy_grid(ui: &mut Ui, choice: &mut ProxyChoice) {
    egui::Grid::new("proxy_grid")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .min_col_width(150.0)
        .show(ui, |ui| {
            let l = ui.label("Proxy");
            egui::ComboBox::from_id_salt("proxy_choice")
                .selected_text(choice.label())
                .show_ui(ui, |ui| {
                    let custom = match choice {
                        ProxyChoice::Custom { url } => url.clone(),
                        _ => String::new(),
                    };
                    for option in [
                        ProxyChoice::Default,
                        ProxyChoice::None,
                        ProxyChoice::Custom { url: custom },
                    ] {
                        let selected = choice.label() == option.label();
                        let label = option.label();
                        if ui.selectable_label(selected, label).clicked() && !selected {
                            *choice = option;
                        }
                    }
                })
                .response
                .labelled_by(l.id)
                .on_hover_text(
                    "Workspace / system: the workspace's proxy (Environments window), else \
                     HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY from the environment",
                );
            ui.end_row();
            if let ProxyChoice::Custom { url } = choice {
                let l = ui.label("Proxy URL");
                ui.add(
                    egui::TextEdit::singleline(url)
                        .hint_text(URL_HINT)
                        .desired_width(320.0),
                )
                .labelled_by(l.id)
                .on_hover_text("Put a password in a secret <<variable>>: request files are shared");
                ui.end_row();
            }
        });
}

/// The workspace-wide proxy, for requests set to "Workspace / system".
pub fn workspace_proxy_ui(ui: &mut Ui, proxy: &mut String) {
    ui.horizontal(|ui| {
        let l = ui.label("Workspace proxy");
        ui.add(
            egui::TextEdit::singleline(proxy)
                .hint_text(URL_HINT)
                .desired_width(340.0),
        )
        .labelled_by(l.id)
        .on_hover_text(
            "Used by requests whose Settings → Proxy is \"Workspace / system\". Empty: the \
             system's (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY). Put a password in a \
             secret <<variable>>: workspace.json is shared.",
        );
    });
    if proxy.trim().is_empty() {
        ui.weak("No workspace proxy: requests use the system's proxy variables, if any.");
    }
}
