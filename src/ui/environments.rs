//! The Environments window: create, rename and delete environments, and edit their
//! variables (name, value, secret). Globals is always there and cannot be deleted.

use std::collections::HashSet;

use egui::{RichText, Ui};

use crate::model::{Environment, GLOBALS_ID, Variable, Workspace};

#[derive(Default)]
pub struct EnvironmentsWindow {
    pub open: bool,
    /// The environment being edited (Globals when None).
    editing: Option<String>,
    /// Secret variables shown in clear, by (environment id, row).
    revealed: HashSet<(String, usize)>,
    /// The window was closed last frame: on opening, show the active environment.
    just_opened: bool,
}

impl EnvironmentsWindow {
    pub fn ui(&mut self, ctx: &egui::Context, workspace: &mut Workspace) {
        if !self.open {
            self.just_opened = true;
            return;
        }
        if std::mem::take(&mut self.just_opened) {
            self.editing = workspace.active_environment.clone();
        }
        let mut open = self.open;
        egui::Window::new("Environments")
            .open(&mut open)
            .default_size([640.0, 380.0])
            .default_pos([320.0, 120.0])
            .min_width(480.0)
            .collapsible(false)
            .show(ctx, |ui| self.contents(ui, workspace));
        self.open = open;
    }

    fn contents(&mut self, ui: &mut Ui, workspace: &mut Workspace) {
        if self
            .editing
            .as_ref()
            .is_some_and(|id| workspace.environment(id).is_none())
        {
            self.editing = None;
        }
        super::proxy::workspace_proxy_ui(ui, &mut workspace.proxy);
        ui.separator();
        ui.horizontal_top(|ui| {
            // The list.
            ui.vertical(|ui| {
                ui.set_width(170.0);
                if ui
                    .selectable_label(self.editing.is_none(), "🌐 Globals")
                    .clicked()
                {
                    self.editing = None;
                }
                for env in &workspace.environments {
                    let active = workspace.active_environment.as_deref() == Some(&env.id);
                    let label = if active {
                        format!("{} ✔", env.name)
                    } else {
                        env.name.clone()
                    };
                    if ui
                        .selectable_label(self.editing.as_deref() == Some(&env.id), label)
                        .clicked()
                    {
                        self.editing = Some(env.id.clone());
                    }
                }
                ui.add_space(6.0);
                if ui.button("+ New environment").clicked() {
                    let name = workspace.unique_environment_name("New environment");
                    let env = Environment::new(name);
                    self.editing = Some(env.id.clone());
                    workspace.environments.push(env);
                }
            });
            ui.separator();
            ui.vertical(|ui| self.editor(ui, workspace));
        });
    }

    fn editor(&mut self, ui: &mut Ui, workspace: &mut Workspace) {
        let mut delete = false;
        let active_id = workspace.active_environment.clone();
        let env: &mut Environment = match &self.editing {
            None => &mut workspace.globals,
            Some(id) => match workspace.environments.iter_mut().find(|e| e.id == *id) {
                Some(env) => env,
                None => return,
            },
        };
        let env_id = env.id.clone();
        if env_id == GLOBALS_ID {
            ui.label(RichText::new("Globals").heading());
            ui.weak("Always applies, beneath the active environment.");
        } else {
            ui.horizontal(|ui| {
                let l = ui.label("Environment name");
                ui.add(egui::TextEdit::singleline(&mut env.name).desired_width(180.0))
                    .labelled_by(l.id);
                if active_id.as_deref() == Some(&env_id) {
                    ui.weak("(active)");
                }
                delete = ui.button("🗑 Delete").clicked();
            });
        }
        ui.add_space(6.0);
        let mut remove = None;
        egui::Grid::new(("env_vars", &env_id))
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
                for (i, var) in env.variables.iter_mut().enumerate() {
                    let n = i + 1;
                    ui.add(
                        egui::TextEdit::singleline(&mut var.name)
                            .desired_width(130.0)
                            .min_size(egui::vec2(130.0, 0.0))
                            .hint_text("name"),
                    )
                    .accessible_name(format!("variable {n} name"));
                    let key = (env_id.clone(), i);
                    let revealed = self.revealed.contains(&key);
                    ui.add(
                        egui::TextEdit::singleline(&mut var.value)
                            .desired_width(200.0)
                            .min_size(egui::vec2(200.0, 0.0))
                            .hint_text("value")
                            .password(var.secret && !revealed),
                    )
                    .accessible_name(format!("variable {n} value"));
                    ui.checkbox(&mut var.secret, "")
                        .accessible_name(format!("variable {n} secret"));
                    if var.secret {
                        let mut show = revealed;
                        if ui
                            .toggle_value(&mut show, "👁")
                            .on_hover_text("Reveal the value")
                            .accessible_name(format!("Reveal variable {n}"))
                            .changed()
                        {
                            if show {
                                self.revealed.insert(key);
                            } else {
                                self.revealed.remove(&key);
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
            env.variables.remove(i);
            self.revealed.retain(|(id, _)| *id != env_id);
        }
        if ui.button("+ Add variable").clicked() {
            env.variables.push(Variable::default());
        }
        if delete {
            workspace.environments.retain(|e| e.id != env_id);
            if workspace.active_environment.as_deref() == Some(&env_id) {
                workspace.active_environment = None;
            }
            self.editing = None;
        }
    }
}
