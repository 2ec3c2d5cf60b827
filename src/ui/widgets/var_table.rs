//! The variables table of an environment, a folder or a request: name, value, secret (masked
//! unless revealed with 👁), remove, a warning on names used twice, and "+ Add variable"
//! (whose new row's name field takes the keyboard).

use std::collections::HashSet;

use egui::Ui;

use super::new_row_focus;
use crate::model::Variable;

/// Draws the rows of `variables`; `revealed` holds the rows shown in clear. Returns the row
/// removed this frame (with its index), for an Undo. Accessible names: "variable 1 name",
/// "variable 1 value", "variable 1 secret", "Reveal variable 1", "Remove variable 1".
pub fn var_table(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    variables: &mut Vec<Variable>,
    revealed: &mut HashSet<usize>,
) -> Option<(usize, Variable)> {
    let mut remove = None;
    let table = egui::Id::unique(&id);
    let duplicated = duplicate_names(variables);
    egui::Grid::new(id)
        .num_columns(6)
        .spacing([6.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            ui.weak("Name");
            ui.weak("Value");
            ui.weak("Secret");
            ui.weak("");
            ui.weak("");
            ui.weak("");
            ui.end_row();
            for (i, var) in variables.iter_mut().enumerate() {
                let n = i + 1;
                let name = ui
                    .add(
                        egui::TextEdit::singleline(&mut var.name)
                            .desired_width(130.0)
                            .min_size(egui::vec2(130.0, 0.0))
                            .hint_text("name"),
                    )
                    .accessible_name(format!("variable {n} name"));
                new_row_focus::take(ui, table, i, &name);
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
                if duplicated.contains(var.name.trim()) {
                    ui.colored_label(ui.visuals().warn_fg_color, "⚠ duplicate name")
                        .on_hover_text("Another variable here has this name: the last one wins");
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
    let removed = remove.map(|i| {
        revealed.clear();
        (i, variables.remove(i))
    });
    if ui.button("+ Add variable").clicked() {
        variables.push(Variable::default());
        new_row_focus::mark(ui, table, variables.len() - 1);
    }
    removed
}

/// The non-empty names used by more than one variable.
fn duplicate_names(variables: &[Variable]) -> HashSet<String> {
    let mut seen = HashSet::new();
    variables
        .iter()
        .map(|v| v.name.trim())
        .filter(|n| !n.is_empty() && !seen.insert(*n))
        .map(str::to_owned)
        .collect()
}
