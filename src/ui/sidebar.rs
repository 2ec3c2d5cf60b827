//! The sidebar: environment picker, request search, the request list (create, select,
//! rename inline, duplicate, delete with undo, drag to reorder) and the theme switch.

use std::collections::HashMap;

use egui::text::{CCursor, CCursorRange};
use egui::{Color32, Key, RichText, Sense, Ui};

use super::session::RequestSession;
use super::widgets::ConnState;
use crate::model::{SavedRequest, Workspace};

/// Something the app must react to beyond the workspace edit itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SidebarAction {
    /// The request was removed: end its connection.
    Deleted(String),
}

#[derive(Default)]
pub struct Sidebar {
    search: String,
    /// The request being renamed and the name typed so far.
    renaming: Option<Rename>,
    /// The last deleted request and where it was, for Undo.
    undo: Option<(usize, SavedRequest)>,
    /// Requests added to the selection with Ctrl+click (for Export); empty when only the
    /// selected request is meant.
    marked: Vec<String>,
}

struct Rename {
    id: String,
    text: String,
    /// Set on the first frame: focus the field and select the old name.
    started: bool,
    error: Option<&'static str>,
}

impl Sidebar {
    /// Starts inline renaming of request `id`.
    pub fn start_rename(&mut self, workspace: &Workspace, id: &str) {
        if let Some(r) = workspace.request(id) {
            self.renaming = Some(Rename {
                id: id.to_owned(),
                text: r.name.clone(),
                started: false,
                error: None,
            });
        }
    }

    pub fn is_renaming(&self) -> bool {
        self.renaming.is_some()
    }

    /// The selected requests in sidebar order: those Ctrl+clicked, else the selected one.
    pub fn selection(&self, workspace: &Workspace) -> Vec<String> {
        workspace
            .requests
            .iter()
            .filter(|r| {
                if self.marked.is_empty() {
                    workspace.selected_request.as_deref() == Some(r.id.as_str())
                } else {
                    self.marked.contains(&r.id)
                }
            })
            .map(|r| r.id.clone())
            .collect()
    }

    /// Adds "New request" (or "New request 2", ...) after the others, selects it and starts
    /// renaming it (the + button and Ctrl+N).
    pub fn new_request(&mut self, workspace: &mut Workspace) {
        let request = SavedRequest::new(workspace.unique_request_name("New request"), "");
        let id = request.id.clone();
        workspace.requests.push(request);
        workspace.selected_request = Some(id.clone());
        self.search.clear();
        self.start_rename(workspace, &id);
    }

    /// Puts a copy of `id` right after it and selects the copy (Ctrl+D).
    pub fn duplicate(&mut self, workspace: &mut Workspace, id: &str) {
        let mut actions = Vec::new();
        self.apply(
            RowCommand::Duplicate(id.to_owned()),
            workspace,
            &mut actions,
        );
    }

    /// Deletes `id`, keeping it for Undo (Delete).
    pub fn delete(&mut self, workspace: &mut Workspace, id: &str) -> Vec<SidebarAction> {
        let mut actions = Vec::new();
        self.apply(RowCommand::Delete(id.to_owned()), workspace, &mut actions);
        actions
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        workspace: &mut Workspace,
        sessions: &HashMap<String, RequestSession>,
        environments_open: &mut bool,
    ) -> Vec<SidebarAction> {
        let mut actions = Vec::new();
        ui.add_space(4.0);
        environment_picker(ui, workspace, environments_open);
        ui.separator();

        ui.horizontal(|ui| {
            let new_clicked = ui
                .button(RichText::new("+").strong())
                .on_hover_text("New request (Ctrl+N)")
                .accessible_name("Add request")
                .clicked();
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("🔍 Filter requests")
                    .desired_width(f32::INFINITY),
            )
            .accessible_name("Filter requests");
            if new_clicked {
                self.new_request(workspace);
            }
        });
        ui.add_space(2.0);

        if let Some((_, deleted)) = &self.undo {
            let mut undo = false;
            let mut dismiss = false;
            ui.horizontal_wrapped(|ui| {
                ui.weak(format!("Deleted “{}”.", deleted.name));
                undo = ui.small_button("Undo").clicked();
                dismiss = ui
                    .small_button("×")
                    .on_hover_text("Dismiss")
                    .accessible_name("Dismiss undo")
                    .clicked();
            });
            if undo && let Some((index, request)) = self.undo.take() {
                let index = index.min(workspace.requests.len());
                workspace.selected_request = Some(request.id.clone());
                workspace.requests.insert(index, request);
            } else if dismiss {
                self.undo = None;
            }
        }

        if workspace.requests.is_empty() {
            ui.add_space(24.0);
            ui.vertical_centered(|ui| {
                ui.weak("No requests yet:\npress + to create one");
            });
        }

        let needle = self.search.to_lowercase();
        let mut command: Option<RowCommand> = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for index in 0..workspace.requests.len() {
                    let request = &workspace.requests[index];
                    if !needle.is_empty()
                        && !request.name.to_lowercase().contains(&needle)
                        && !request.url.to_lowercase().contains(&needle)
                    {
                        continue;
                    }
                    let state = sessions
                        .get(&request.id)
                        .map(|s| s.state)
                        .unwrap_or_default();
                    let selected = workspace.selected_request.as_deref() == Some(&request.id)
                        || self.marked.contains(&request.id);
                    if let Some(c) = self.row(ui, index, request, selected, state) {
                        command = Some(c);
                    }
                }
                if !needle.is_empty() {
                    ui.weak("Clear the filter to see all requests");
                }
            });

        if let Some(command) = command {
            self.apply(command, workspace, &mut actions);
        }

        ui.with_layout(egui::Layout::bottom_up(egui::Align::LEFT), |ui| {
            ui.add_space(2.0);
            egui::widgets::global_theme_preference_buttons(ui);
        });
        actions
    }

    fn row(
        &mut self,
        ui: &mut Ui,
        index: usize,
        request: &SavedRequest,
        selected: bool,
        state: ConnState,
    ) -> Option<RowCommand> {
        let mut command = None;
        if let Some(rename) = self.renaming.as_mut().filter(|r| r.id == request.id) {
            let output = egui::TextEdit::singleline(&mut rename.text)
                .hint_text("Request name")
                .desired_width(f32::INFINITY)
                .show(ui);
            let response = output
                .response
                .response
                .clone()
                .accessible_name("Request name");
            if !rename.started {
                rename.started = true;
                response.request_focus();
                let mut state = output.state;
                let len = rename.text.chars().count();
                state
                    .cursor
                    .set_char_range(Some(CCursorRange::two(CCursor::new(0), CCursor::new(len))));
                state.store(ui.ctx(), response.id);
            }
            if let Some(error) = rename.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            let escape = ui.input(|i| i.key_pressed(Key::Escape));
            let enter = ui.input(|i| i.key_pressed(Key::Enter));
            if escape {
                command = Some(RowCommand::CancelRename);
            } else if response.lost_focus() || (enter && response.has_focus()) {
                if rename.text.trim().is_empty() {
                    if enter {
                        rename.error = Some("A request needs a name");
                        response.request_focus();
                    } else {
                        command = Some(RowCommand::CancelRename);
                    }
                } else {
                    command = Some(RowCommand::CommitRename);
                }
            }
            return command;
        }

        let row = ui.horizontal(|ui| {
            // The connected dot sits outside the button so the button's name stays the
            // request's name.
            let (dot_rect, _) = ui.allocate_exact_size(egui::vec2(8.0, 8.0), Sense::hover());
            if state.is_active() {
                ui.painter().circle_filled(
                    dot_rect.center(),
                    3.5,
                    state.color(ui.visuals().dark_mode),
                );
            }
            ui.add(
                egui::Button::selectable(selected, (request.name.as_str(), egui::Atom::grow()))
                    .truncate()
                    .min_size(egui::vec2(ui.available_width(), 22.0))
                    .sense(Sense::click_and_drag()),
            )
        });
        let response = row.inner;
        let response = if state.is_active() {
            response.on_hover_text(format!("{}: {}", request.name, state.label()))
        } else {
            response
        };
        // A fast third click (a triple-click) still means "rename", not "select".
        if response.double_clicked() || response.triple_clicked() {
            command = Some(RowCommand::StartRename(request.id.clone()));
        } else if response.clicked() {
            command = Some(if ui.input(|i| i.modifiers.command) {
                RowCommand::ToggleMark(request.id.clone())
            } else {
                RowCommand::Select(request.id.clone())
            });
        }
        response.dnd_set_drag_payload(DraggedRequest(index));
        if let Some(dragged) = response.dnd_hover_payload::<DraggedRequest>() {
            let rect = response.rect;
            let after = ui
                .ctx()
                .pointer_interact_pos()
                .is_some_and(|p| p.y > rect.center().y);
            let y = if after { rect.bottom() } else { rect.top() };
            if dragged.0 != index {
                ui.painter().hline(
                    rect.x_range(),
                    y,
                    egui::Stroke::new(2.0, ui.visuals().selection.stroke.color),
                );
            }
            if let Some(dropped) = response.dnd_release_payload::<DraggedRequest>() {
                let to = if after { index + 1 } else { index };
                command = Some(RowCommand::Move {
                    from: dropped.0,
                    to,
                });
            }
        }
        response.context_menu(|ui| {
            if ui.button("Rename").clicked() {
                command = Some(RowCommand::StartRename(request.id.clone()));
            }
            if ui.button("Duplicate").clicked() {
                command = Some(RowCommand::Duplicate(request.id.clone()));
            }
            ui.separator();
            if ui.button("Move up").clicked() {
                command = Some(RowCommand::Move {
                    from: index,
                    to: index.saturating_sub(1),
                });
            }
            if ui.button("Move down").clicked() {
                command = Some(RowCommand::Move {
                    from: index,
                    to: index + 2,
                });
            }
            ui.separator();
            if ui
                .button(RichText::new("Delete").color(Color32::from_rgb(0xd9, 0x4a, 0x4a)))
                .clicked()
            {
                command = Some(RowCommand::Delete(request.id.clone()));
            }
        });
        command
    }

    fn apply(
        &mut self,
        command: RowCommand,
        workspace: &mut Workspace,
        actions: &mut Vec<SidebarAction>,
    ) {
        match command {
            RowCommand::Select(id) => {
                self.marked.clear();
                workspace.selected_request = Some(id);
            }
            RowCommand::ToggleMark(id) => {
                // The request selected so far is part of the selection that starts here.
                if self.marked.is_empty()
                    && let Some(current) = workspace.selected_request.clone()
                    && current != id
                {
                    self.marked.push(current);
                }
                if let Some(pos) = self.marked.iter().position(|m| *m == id) {
                    self.marked.remove(pos);
                } else {
                    self.marked.push(id.clone());
                    workspace.selected_request = Some(id);
                }
            }
            RowCommand::StartRename(id) => {
                workspace.selected_request = Some(id.clone());
                self.start_rename(workspace, &id);
            }
            RowCommand::CancelRename => self.renaming = None,
            RowCommand::CommitRename => {
                if let Some(rename) = self.renaming.take()
                    && let Some(r) = workspace.request_mut(&rename.id)
                {
                    r.name = rename.text.trim().to_owned();
                }
            }
            RowCommand::Duplicate(id) => {
                if let Some(pos) = workspace.requests.iter().position(|r| r.id == id) {
                    let mut copy = workspace.requests[pos].clone();
                    copy.id = crate::model::new_id();
                    copy.name = workspace.unique_request_name(&format!("{} copy", copy.name));
                    workspace.selected_request = Some(copy.id.clone());
                    workspace.requests.insert(pos + 1, copy);
                }
            }
            RowCommand::Delete(id) => {
                if let Some(pos) = workspace.requests.iter().position(|r| r.id == id) {
                    let removed = workspace.requests.remove(pos);
                    if workspace.selected_request.as_deref() == Some(&id) {
                        workspace.selected_request = workspace
                            .requests
                            .get(pos)
                            .or_else(|| workspace.requests.get(pos.wrapping_sub(1)))
                            .map(|r| r.id.clone());
                    }
                    self.undo = Some((pos, removed));
                    actions.push(SidebarAction::Deleted(id));
                }
            }
            RowCommand::Move { from, to } => {
                let len = workspace.requests.len();
                if from < len {
                    let item = workspace.requests.remove(from);
                    let to = if to > from { to - 1 } else { to };
                    workspace.requests.insert(to.min(len - 1), item);
                }
            }
        }
    }
}

/// The drag-and-drop payload: the index of the dragged request.
struct DraggedRequest(usize);

enum RowCommand {
    Select(String),
    ToggleMark(String),
    StartRename(String),
    CancelRename,
    CommitRename,
    Duplicate(String),
    Delete(String),
    Move { from: usize, to: usize },
}

fn environment_picker(ui: &mut Ui, workspace: &mut Workspace, environments_open: &mut bool) {
    ui.horizontal(|ui| {
        let label = ui.label("Environment");
        let current = workspace
            .active_environment()
            .map_or_else(|| "No environment".to_owned(), |e| e.name.clone());
        let combo = egui::ComboBox::from_id_salt("environment_picker")
            .selected_text(current)
            .width((ui.available_width() - 36.0).max(60.0))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut workspace.active_environment, None, "No environment");
                for env in &workspace.environments {
                    ui.selectable_value(
                        &mut workspace.active_environment,
                        Some(env.id.clone()),
                        &env.name,
                    );
                }
            });
        combo.response.labelled_by(label.id);
        if ui
            .button("⚙")
            .on_hover_text("Manage environments")
            .accessible_name("Manage environments")
            .clicked()
        {
            *environments_open = true;
        }
    });
}
