//! "+ Add …" buttons that append a row give the new row's first field the keyboard focus, so
//! typing right after the click fills it in (as in Postman).
//!
//! The contract: the button calls [`mark`] with the table's id and the new row's index; the
//! next time that row's first field is drawn, [`take`] moves the focus to it once.

use egui::{Id, Response, Ui};

fn key(table: Id) -> Id {
    table.with("focus_new_row")
}

/// Row `row` of `table` was just added: its first field takes the focus when next drawn.
pub fn mark(ui: &Ui, table: Id, row: usize) {
    ui.data_mut(|d| d.insert_temp(key(table), row));
    ui.ctx().request_repaint();
}

/// Gives `field` (row `row`'s first field) the focus if that row was just added.
pub fn take(ui: &Ui, table: Id, row: usize, field: &Response) {
    if ui.data(|d| d.get_temp::<usize>(key(table))) == Some(row) {
        ui.data_mut(|d| d.remove::<usize>(key(table)));
        field.request_focus();
    }
}
