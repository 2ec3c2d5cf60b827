//! The variables table of an environment or a folder: name, value, secret (masked unless
//! revealed with 👁), remove, and "+ Add variable".

use std::collections::HashSet;

use egui::Ui;

use crate::model::Variable;

/// Draws the rows of `variables`; `revealed` holds the rows shown in clear. Accessible names:
/// "variable 1 name", "variable 1 value", "variable 1 secret", "Reveal variable 1",
/// "Remove variable 1".
pub fn var_table(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    variables: &mut Vec<Variable>,
    revealed: &mut HashSet<usize>,
) {
    let mut remove = None;
    egui::Grid::new(id)
        .num_columns(5)
        .spacing([6.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            ui.weak("Name");
            ui.weak("Value");
            ui.weak("Secret");
            ui.weak("");
            ui.weak("");
            ui.end_row();
            for (i, var) in variables.iter_mut().enumerate() {
                let n = i + 1;
                ui.add(
                    egui::TextEdit::singleline(&mut var.name)
                        .desired_width(130.0)
                        .min_size(egui::vec2(130.0, 0.0))
                        .hint_text("name"),
                )
                .accessible_name(format!("variable {n} name"));
                let shown = revealed.contains(&i);
                ui.add(
                    egui::TextEdit::singleline(&mut var.value)
                        .desired_width(200.0)
                        .min_size(egui::vec2(200.0, 0.0))
                        .hint_text("value")
                        .password(var.secret && !shown),
                )
                .accessible_name(format!("variable {n} value"));
                ui.checkbox(&mut var.secret, "")
                    .accessible_name(format!("variable {n} secret"));
                if var.secret {
                    let mut show = shown;
                    if ui
                        .toggle_value(&mut show, "👁")
                        .on_hover_text("Reveal the value")
                        .accessible_name(format!("Reveal variable {n}"))
                        .changed()
                    {
                        if show {
                            revealed.insert(i);
                        } else {
                            revealed.remove(&i);
                        }
                    }
                } else {
                    ui.label("");
                }
                if ui
                    .small_button("×")
                    .on_hover_text("Remove")
                    .accessible_name(format!("Remove variable {n}"))
                    .clicked()
                {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    if let Some(i) = remove {
        variables.remove(i);
        revealed.clear();
    }
    if ui.button("+ Add variable").clicked() {
        variables.push(Variable::default());
    }
}
