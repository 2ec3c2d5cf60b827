//! Settings → Compression: whether the request offers permessage-deflate (RFC 7692), and the
//! offer's four parameters. Locked with the other connection settings while connected; what
//! the server accepted shows in the timeline, not here.

use egui::Ui;

use crate::model::{Compression, WINDOW_BITS};

/// The Compression section of a request's settings.
pub fn compression_grid(ui: &mut Ui, c: &mut Compression) {
    egui::Grid::new("compression_grid")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .min_col_width(150.0)
        .show(ui, |ui| {
            ui.label("Compression");
            ui.horizontal(|ui| {
                ui.radio_value(&mut c.enabled, false, "Off");
                ui.radio_value(&mut c.enabled, true, "On (permessage-deflate)")
                    .on_hover_text("Offered in Sec-WebSocket-Extensions; the server decides");
            });
            ui.end_row();

            let enabled = c.enabled;
            flag_row(
                ui,
                enabled,
                "Server no context takeover",
                &mut c.server_no_context_takeover,
                "Ask the server to compress each message on its own",
            );
            flag_row(
                ui,
                enabled,
                "Client no context takeover",
                &mut c.client_no_context_takeover,
                "Compress each message we send on its own",
            );

            window_bits_row(
                ui,
                c.enabled,
                "Server max window bits",
                &mut c.server_max_window_bits,
                "Ask the server for a smaller window (less memory, less compression)",
            );
            window_bits_row(
                ui,
                c.enabled,
                "Client max window bits",
                &mut c.client_max_window_bits,
                "The largest window we compress with; the server may ask for less",
            );
        });
}

fn flag_row(ui: &mut Ui, enabled: bool, label: &str, flag: &mut bool, hover: &str) {
    let l = ui.add_enabled(enabled, egui::Label::new(label));
    ui.add_enabled(enabled, egui::Checkbox::new(flag, ""))
        .labelled_by(l.id)
        .on_hover_text(hover);
    ui.end_row();
}

fn window_bits_row(ui: &mut Ui, enabled: bool, label: &str, bits: &mut Option<u8>, hover: &str) {
    let l = ui.add_enabled(enabled, egui::Label::new(label));
    let shown = bits.map_or_else(|| "15 (default)".to_owned(), |b| b.to_string());
    ui.add_enabled_ui(enabled, |ui| {
        egui::ComboBox::from_id_salt(label)
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(bits, None, "15 (default)");
                for b in WINDOW_BITS {
                    ui.selectable_value(bits, Some(b), b.to_string());
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(hover);
    });
    ui.end_row();
}
