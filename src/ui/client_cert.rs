//! Settings → Client certificate: the rows that choose the certificate a request offers on
//! wss:// (mutual TLS), and their file dialogs.
//!
//! The contract: a *Client certificate* choice (None, PEM files, PKCS#12 file); PEM shows
//! *Certificate file*, *Key file* and *Passphrase* (for an encrypted key), PKCS#12 shows
//! *PKCS#12 file* and *Passphrase*; the passphrase is masked (👁 shows it), each file with a Browse… that opens the file dialog off the UI thread (the
//! window's own dialog where the desktop has none). Nothing is read here: the engine reads the
//! files on Connect, and a file it cannot use is the Connect's error.

use std::path::PathBuf;

use egui::Ui;

use super::jobs::{FileDialog, Job, Poll};
use crate::model::{ClientCertSource, ClientCertificate};

/// Which file a Browse… is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Cert,
    Key,
    Pkcs12,
}

/// A client-certificate file dialog running on its own thread: (request id, which file,
/// where the answer arrives).
#[derive(Default)]
pub struct Picker {
    job: Option<(String, Pick, Job<Option<PathBuf>>)>,
}

impl Picker {
    /// Puts a picked path into `cert` when the dialog has answered for request `id`.
    pub fn poll(&mut self, ctx: &egui::Context, id: &str, cert: &mut ClientCertificate) {
        let Some((for_id, pick, job)) = &self.job else {
            return;
        };
        match job.poll(Some(ctx)) {
            Poll::Running => {}
            Poll::Lost => self.job = None,
            Poll::Done(picked) => {
                if for_id == id
                    && let Some(path) = picked
                {
                    let path = path.display().to_string();
                    match pick {
                        Pick::Cert => cert.cert_path = path,
                        Pick::Key => cert.key_path = path,
                        Pick::Pkcs12 => cert.pkcs12_path = path,
                    }
                }
                self.job = None;
            }
        }
    }

    /// Opens the dialog for `pick` (unless one is open).
    pub fn start(&mut self, ctx: &egui::Context, id: &str, pick: Pick) {
        if self.job.is_some() {
            return;
        }
        let dialog = match pick {
            Pick::Cert => FileDialog::new("Client certificate (PEM)")
                .filter("PEM certificates", &["pem", "crt", "cer"]),
            Pick::Key => FileDialog::new("Private key (PEM)").filter("PEM keys", &["pem", "key"]),
            Pick::Pkcs12 => {
                FileDialog::new("Client certificate (PKCS#12)").filter("PKCS#12", &["p12", "pfx"])
            }
        };
        self.job = Some((id.to_owned(), pick, dialog.pick_file(Some(ctx))));
    }
}

/// The client-certificate rows; returns the Browse… that was clicked.
pub fn client_cert_grid(ui: &mut Ui, cert: &mut ClientCertificate) -> Option<Pick> {
    let mut pick = None;
    egui::Grid::new("client_cert_grid")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .min_col_width(150.0)
        .show(ui, |ui| {
            let l = ui.label("Client certificate");
            egui::ComboBox::from_id_salt("client_cert_source")
                .selected_text(cert.source.label())
                .show_ui(ui, |ui| {
                    for source in ClientCertSource::ALL {
                        ui.selectable_value(&mut cert.source, source, source.label());
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            match cert.source {
                ClientCertSource::None => {}
                ClientCertSource::Pem => {
                    let hint = "PEM certificate (chain)";
                    if path_row(ui, "Certificate file", &mut cert.cert_path, hint) {
                        pick = Some(Pick::Cert);
                    }
                    let hint = "PEM key; empty: in the certificate file";
                    if path_row(ui, "Key file", &mut cert.key_path, hint) {
                        pick = Some(Pick::Key);
                    }
                    passphrase_row(ui, &mut cert.passphrase, "only for an encrypted key");
                }
                ClientCertSource::Pkcs12 => {
                    let hint = ".p12 or .pfx";
                    if path_row(ui, "PKCS#12 file", &mut cert.pkcs12_path, hint) {
                        pick = Some(Pick::Pkcs12);
                    }
                    passphrase_row(ui, &mut cert.passphrase, "or <<variable>>");
                }
            }
        });
    if cert.is_set() {
        ui.weak(
            "Offered on wss:// when the server asks for one. Fields accept <<variables>>; a typed \
             passphrase is kept in .secrets.json, not in the request file.",
        );
    }
    pick
}

/// A path field with its Browse…; true when Browse… was clicked.
fn path_row(ui: &mut Ui, label: &str, path: &mut String, hint: &str) -> bool {
    let l = ui.label(label);
    let mut browse = false;
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(path)
                .hint_text(hint)
                .desired_width(220.0),
        )
        .labelled_by(l.id);
        browse = ui.button("Browse…").clicked();
    });
    ui.end_row();
    browse
}

fn passphrase_row(ui: &mut Ui, passphrase: &mut String, hint: &str) {
    let l = ui.label("Passphrase");
    let shown_id = egui::Id::unique("client_cert_passphrase_shown");
    let mut shown = ui.data(|d| d.get_temp::<bool>(shown_id)).unwrap_or(false);
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(passphrase)
                .password(!shown)
                .hint_text(hint)
                .desired_width(220.0),
        )
        .labelled_by(l.id);
        if ui
            .selectable_label(shown, "👁")
            .on_hover_text("Show the passphrase")
            .clicked()
        {
            shown = !shown;
            ui.data_mut(|d| d.insert_temp(shown_id, shown));
        }
    });
    ui.end_row();
}
