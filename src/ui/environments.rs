//! The Environments window: create, rename and delete environments, and edit their
//! variables (name, value, secret). Globals is always there and cannot be deleted.

use std::collections::HashSet;

use egui::{RichText, Ui};

use super::widgets::var_table;
use crate::model::{Environment, GLOBALS_ID, Workspace};

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
        let mut revealed: HashSet<usize> = self
            .revealed
            .iter()
            .filter(|(id, _)| *id == env_id)
            .map(|(_, i)| *i)
            .collect();
        var_table(ui, ("env_vars", &env_id), &mut env.variables, &mut revealed);
        self.revealed.retain(|(id, _)| *id != env_id);
        self.revealed
            .extend(revealed.into_iter().map(|i| (env_id.clone(), i)));
        if delete {
            workspace.environments.retain(|e| e.id != env_id);
            if workspace.active_environment.as_deref() == Some(&env_id) {
                workspace.active_environment = None;
            }
            self.editing = None;
        }
    }
}
