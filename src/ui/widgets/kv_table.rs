//! An editable key / value / enabled table (query params, headers).

use egui::Ui;

use super::new_row_focus;
use super::template_field::{VarContext, template_field};
use crate::model::KeyValue;

/// Shows the rows; returns true when anything changed. `what` names the table ("param",
/// "header") in accessible names: "param 1 name", "param 1 value", "param 1 enabled".
pub fn kv_table(
    ui: &mut Ui,
    id: &str,
    rows: &mut Vec<KeyValue>,
    vars: &VarContext,
    what: &str,
) -> bool {
    let mut changed = false;
    let mut remove: Option<usize> = None;
    let width = ((ui.available_width() - 80.0) / 2.0).max(80.0);
    let table = egui::Id::unique(id);
    egui::Grid::new(id)
        .num_columns(4)
        .spacing([6.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            ui.weak("");
            ui.weak("Name");
            ui.weak("Value");
            ui.weak("");
            ui.end_row();
            for (i, row) in rows.iter_mut().enumerate() {
                let n = i + 1;
                changed |= ui
                    .checkbox(&mut row.enabled, "")
                    .accessible_name(format!("{what} {n} enabled"))
                    .on_hover_text("Enabled")
                    .changed();
                let name = template_field(
                    ui,
                    &mut row.key,
                    vars,
                    &format!("{what} {n} name"),
                    "name",
                    width,
                    false,
                )
                .response;
                new_row_focus::take(ui, table, i, &name);
                changed |= name.changed();
                changed |= template_field(
                    ui,
                    &mut row.value,
                    vars,
                    &format!("{what} {n} value"),
                    "value",
                    width,
                    false,
                )
                .response
                .changed();
                if ui
                    .small_button("×")
                    .on_hover_text(format!("Remove {what} {n}"))
                    .accessible_name(format!("Remove {what} {n}"))
                    .clicked()
                {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    if let Some(i) = remove {
        rows.remove(i);
        changed = true;
    }
    if ui.button(format!("+ Add {what}")).clicked() {
        rows.push(KeyValue::default());
        new_row_focus::mark(ui, table, rows.len() - 1);
        changed = true;
    }
    changed
}
