//! The Auth editor shared by a request's Auth tab and a folder's: the type picker (with
//! "Inherit from folder" / "Inherit from parent"), the credential fields with masked secrets
//! and a reveal toggle, and for an inheriting one, what it inherits and from where.

use egui::Ui;

use super::widgets::{VarContext, template_field};
use crate::model::{Auth, OAuth1, SignatureMethod};

/// What "Inherit" would give, as [`crate::model::Workspace::effective_auth`] says.
pub struct Inheriting<'a> {
    /// The option's label: "Inherit from folder" (a request) or "Inherit from parent".
    pub label: &'a str,
    /// The auth it resolves to, and the path of the folder that sets it.
    pub resolved: (Auth, Option<String>),
}

/// The type's name as the picker shows it.
fn kind(auth: &Auth, inherit_label: &str) -> String {
    match auth {
        Auth::None => "None".to_owned(),
        Auth::Basic { .. } => "Basic".to_owned(),
        Auth::Bearer { .. } => "Bearer".to_owned(),
        Auth::OAuth1(_) => "OAuth 1.0".to_owned(),
        Auth::Inherit => inherit_label.to_owned(),
    }
}

/// Draws the editor for `auth`; `salt` keeps ids apart when two editors exist.
pub fn auth_editor(
    ui: &mut Ui,
    salt: &str,
    auth: &mut Auth,
    inheriting: &Inheriting<'_>,
    reveal: &mut bool,
    vars: &VarContext,
) {
    let current = kind(auth, inheriting.label);
    ui.horizontal(|ui| {
        let label = ui.label("Type");
        let mut chosen = None;
        let options = [inheriting.label, "None", "Basic", "Bearer", "OAuth 1.0"];
        egui::ComboBox::from_id_salt(("auth_type", salt))
            .selected_text(current.as_str())
            .show_ui(ui, |ui| {
                for option in options {
                    if ui.selectable_label(option == current, option).clicked() {
                        chosen = Some(option);
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if let Some(option) = chosen.filter(|o| *o != current) {
            *auth = match option {
                "Basic" => Auth::Basic {
                    username: String::new(),
                    password: String::new(),
                },
                "Bearer" => Auth::Bearer {
                    token: String::new(),
                },
                "OAuth 1.0" => Auth::OAuth1(OAuth1::default()),
                "None" => Auth::None,
                _ => Auth::Inherit,
            };
        }
        if !matches!(auth, Auth::None | Auth::Inherit) {
            ui.toggle_value(reveal, "👁 Reveal secrets");
        }
    });
    ui.add_space(6.0);
    let masked = !*reveal;
    let width = (ui.available_width() - 160.0).max(160.0);
    let field = |ui: &mut Ui, label: &str, text: &mut String, secret: bool| {
        let l = ui.label(label);
        template_field(ui, text, vars, label, "", width, secret && masked)
            .response
            .labelled_by(l.id);
        ui.end_row();
    };
    egui::Grid::new(("auth_grid", salt))
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| match auth {
            Auth::None => {
                ui.weak("The handshake sends no credentials.");
                ui.end_row();
            }
            Auth::Inherit => {
                ui.weak(inherited_summary(&inheriting.resolved));
                ui.end_row();
            }
            Auth::Basic { username, password } => {
                field(ui, "Username", username, false);
                field(ui, "Password", password, true);
            }
            Auth::Bearer { token } => field(ui, "Token", token, true),
            Auth::OAuth1(o) => {
                field(ui, "Consumer key", &mut o.consumer_key, false);
                field(ui, "Consumer secret", &mut o.consumer_secret, true);
                field(ui, "Access token", &mut o.access_token, false);
                field(ui, "Token secret", &mut o.token_secret, true);
                let l = ui.label("Signature method");
                egui::ComboBox::from_id_salt(("oauth_signature", salt))
                    .selected_text(o.signature_method.as_str())
                    .show_ui(ui, |ui| {
                        for m in [SignatureMethod::HmacSha1, SignatureMethod::Plaintext] {
                            ui.selectable_value(&mut o.signature_method, m, m.as_str());
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.end_row();
                field(ui, "Realm", &mut o.realm, false);
            }
        });
    if !matches!(auth, Auth::None | Auth::Inherit) {
        ui.add_space(6.0);
        ui.weak("Fields accept <<variables>>; the Authorization header is added to the handshake.");
    }
}

/// "Uses Bearer from folder “Home”." — what an inheriting auth resolves to.
pub fn inherited_summary(resolved: &(Auth, Option<String>)) -> String {
    match resolved {
        (_, None) | (Auth::None, _) => {
            "No enclosing folder sets auth: the handshake sends no credentials.".to_owned()
        }
        (auth, Some(path)) => format!("Uses {} from folder “{path}”.", kind(auth, "")),
    }
}

/// The handshake's Authorization row for `auth`, as the Headers tab lists it.
pub fn authorization_row(resolved: &(Auth, Option<String>)) -> Option<String> {
    let from = match &resolved.1 {
        Some(path) => format!("from folder “{path}”"),
        None => "from Auth".to_owned(),
    };
    match resolved.0 {
        Auth::None | Auth::Inherit => None,
        Auth::Basic { .. } => Some(format!("Basic … ({from})")),
        Auth::Bearer { .. } => Some(format!("Bearer … ({from})")),
        Auth::OAuth1(_) => Some(format!("OAuth … (signed, {from})")),
    }
}
