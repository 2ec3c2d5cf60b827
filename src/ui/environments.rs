//! The Environments window: create, rename and delete environments, and edit their
//! variables (name, value, secret). Globals is always there and cannot be deleted.

use std::collections::HashSet;

use egui::{RichText, Ui};

use super::widgets::undo_bar::{UndoChoice, undo_bar};
use super::widgets::var_table;
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
    /// The last delete, for Undo.
    undo: Option<Deleted>,
}

/// What the last delete took away, and where it was.
enum Deleted {
    Environment {
        index: usize,
        env: Environment,
        was_active: bool,
    },
    Variable {
        env_id: String,
        index: usize,
        var: Variable,
    },
}

impl Deleted {
    fn name(&self) -> &str {
        match self {
            Self::Environment { env, .. } => &env.name,
            Self::Variable { var, .. } => &var.name,
        }
    }

    /// Puts it back where it was.
    fn restore(self, workspace: &mut Workspace) -> Option<String> {
        match self {
            Self::Environment {
                index,
                env,
                was_active,
            } => {
                let id = env.id.clone();
                if was_active {
                    workspace.active_environment = Some(id.clone());
                }
                let index = index.min(workspace.environments.len());
                workspace.environments.insert(index, env);
                Some(id)
            }
            Self::Variable { env_id, index, var } => {
                let env = if env_id == GLOBALS_ID {
                    Some(&mut workspace.globals)
                } else {
                    workspace.environments.iter_mut().find(|e| e.id == env_id)
                }?;
                let index = index.min(env.variables.len());
                env.variables.insert(index, var);
                (env_id != GLOBALS_ID).then_some(env_id)
            }
        }
    }
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
        if let Some(deleted) = &self.undo {
            match undo_bar(ui, deleted.name()) {
                Some(UndoChoice::Undo) => {
                    if let Some(deleted) = self.undo.take() {
                        self.editing = deleted.restore(workspace);
                        self.revealed.clear();
                    }
                }
                Some(UndoChoice::Dismiss) => self.undo = None,
                None => {}
            }
            ui.add_space(4.0);
        }
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
        let removed = var_table(ui, ("env_vars", &env_id), &mut env.variables, &mut revealed);
        self.revealed.retain(|(id, _)| *id != env_id);
        self.revealed
            .extend(revealed.into_iter().map(|i| (env_id.clone(), i)));
        if let Some((index, var)) = removed {
            self.undo = Some(Deleted::Variable {
                env_id: env_id.clone(),
                index,
                var,
            });
        }
        if delete && let Some(index) = workspace.environments.iter().position(|e| e.id == env_id) {
            let env = workspace.environments.remove(index);
            let was_active = workspace.active_environment.as_deref() == Some(&env_id);
            if was_active {
                workspace.active_environment = None;
            }
            self.undo = Some(Deleted::Environment {
                index,
                env,
                was_active,
            });
            self.editing = None;
        }
    }
}
