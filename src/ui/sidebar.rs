//! The sidebar: environment picker, request search, the tree of folders and requests
//! (create, select, rename inline, duplicate, delete with undo, collapse, drag to move, arrow
//! keys) and the theme switch. The rooms: [`tree`] (visible rows, one row's drawing and its
//! menus) and [`dnd`] (drop zones, indicator, the move).

mod dnd;
mod tree;

use std::collections::HashMap;

use egui::{Key, RichText, Sense, Ui};

use super::session::RequestSession;
use super::widgets::ConnState;
use crate::model::{Removed, RequestKind, SavedRequest, Workspace};
use tree::{Item, Rename, RowCommand, RowLook};

/// Something the app must react to beyond the workspace edit itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SidebarAction {
    /// The request was removed: end its connection.
    Deleted(String),
    /// "Export folder…" on this folder.
    ExportFolder(String),
}

#[derive(Default)]
pub struct Sidebar {
    search: String,
    /// The request or folder being renamed and the name typed so far.
    renaming: Option<Rename>,
    /// The last delete, for Undo.
    undo: Option<Undo>,
    /// A folder that holds requests, waiting for "Delete" to be confirmed.
    confirm_delete: Option<String>,
    /// Requests added to the selection with Ctrl+click (for Export); empty when only the
    /// selected request is meant.
    marked: Vec<String>,
}

/// What Undo puts back.
enum Undo {
    Request(usize, Box<SavedRequest>),
    Folder(Removed),
}

impl Sidebar {
    /// Starts inline renaming of request `id`.
    pub fn start_rename(&mut self, workspace: &Workspace, id: &str) {
        self.start_renaming(workspace, Item::Request(id.to_owned()));
    }

    fn start_renaming(&mut self, workspace: &Workspace, item: Item) {
        let name = match &item {
            Item::Request(id) => workspace.request(id).map(|r| r.name.clone()),
            Item::Folder(id) => workspace.folder(id).map(|f| f.name.clone()),
        };
        if let Some(text) = name {
            self.renaming = Some(Rename {
                item,
                text,
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

    /// The selected row: a folder if one is selected, else the selected request.
    fn selected(workspace: &Workspace) -> Option<Item> {
        match (&workspace.selected_folder, &workspace.selected_request) {
            (Some(f), _) => Some(Item::Folder(f.clone())),
            (None, Some(r)) => Some(Item::Request(r.clone())),
            (None, None) => None,
        }
    }

    /// The folder new things go in: the selected folder, or the selected request's folder.
    fn current_folder(workspace: &Workspace) -> Option<String> {
        match &workspace.selected_folder {
            Some(f) => Some(f.clone()),
            None => workspace
                .selected_request
                .as_deref()
                .and_then(|id| workspace.request(id))
                .and_then(|r| workspace.folder_of(r))
                .map(str::to_owned),
        }
    }

    /// Adds "New request" (or "New request 2", ...) at the end of the current folder, selects
    /// it and starts renaming it (the + button and Ctrl+N).
    pub fn new_request(&mut self, workspace: &mut Workspace) {
        let folder = Self::current_folder(workspace);
        self.new_request_in(workspace, folder, RequestKind::WebSocket);
    }

    fn new_request_in(
        &mut self,
        workspace: &mut Workspace,
        folder: Option<String>,
        kind: RequestKind,
    ) {
        let mut request = SavedRequest::new(workspace.unique_request_name("New request"), "");
        request.kind = kind;
        if folder.is_some() {
            // As in Postman: a request made in a folder uses the folder's auth.
            request.auth = crate::model::Auth::Inherit;
        }
        let id = request.id.clone();
        workspace.requests.push(request);
        workspace.move_request(&id, folder.as_deref(), None);
        reveal(workspace, folder.as_deref());
        workspace.selected_request = Some(id.clone());
        workspace.selected_folder = None;
        self.search.clear();
        self.start_rename(workspace, &id);
    }

    fn new_folder_in(&mut self, workspace: &mut Workspace, parent: Option<String>) {
        let id = workspace.add_folder(parent.as_deref());
        reveal(workspace, parent.as_deref());
        workspace.selected_folder = Some(id.clone());
        self.search.clear();
        self.start_renaming(workspace, Item::Folder(id));
    }

    /// Puts a copy of `id` right after it and selects the copy (Ctrl+D).
    pub fn duplicate(&mut self, workspace: &mut Workspace, id: &str) {
        let mut actions = Vec::new();
        let command = RowCommand::Duplicate(Item::Request(id.to_owned()));
        self.apply(command, workspace, &mut actions);
    }

    /// Deletes `id`, keeping it for Undo (Delete).
    pub fn delete(&mut self, workspace: &mut Workspace, id: &str) -> Vec<SidebarAction> {
        let mut actions = Vec::new();
        let command = RowCommand::Delete(Item::Request(id.to_owned()));
        self.apply(command, workspace, &mut actions);
        actions
    }

    /// F2, Ctrl+D and Delete: on the selected folder, or else the selected request.
    pub fn rename_selected(&mut self, workspace: &mut Workspace) {
        if let Some(item) = Self::selected(workspace) {
            // The row must be visible to be renamed.
            let folder = match &item {
                Item::Request(id) => workspace
                    .request(id)
                    .and_then(|r| workspace.folder_of(r))
                    .map(str::to_owned),
                Item::Folder(id) => workspace
                    .folder(id)
                    .and_then(|f| workspace.parent_of(f))
                    .map(str::to_owned),
            };
            reveal(workspace, folder.as_deref());
            self.search.clear();
            self.start_renaming(workspace, item);
        }
    }

    pub fn duplicate_selected(&mut self, workspace: &mut Workspace) {
        if let Some(item) = Self::selected(workspace) {
            self.apply(RowCommand::Duplicate(item), workspace, &mut Vec::new());
        }
    }

    pub fn delete_selected(&mut self, workspace: &mut Workspace) -> Vec<SidebarAction> {
        let mut actions = Vec::new();
        if let Some(item) = Self::selected(workspace) {
            self.apply(RowCommand::Delete(item), workspace, &mut actions);
        }
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

        let mut command: Option<RowCommand> = None;
        ui.horizontal(|ui| {
            let new_request = ui
                .button(RichText::new("+").strong())
                .on_hover_text("New request (Ctrl+N)")
                .accessible_name("Add request")
                .clicked();
            // The + menu: a request or a folder (in the selected folder).
            let mut new_folder = false;
            let mut new_request = new_request;
            let mut new_socketio = false;
            ui.menu_button("⏷", |ui| {
                new_request |= ui.button("New WebSocket request").clicked();
                new_socketio = ui.button("New Socket.IO request").clicked();
                new_folder = ui.button("🗀 New folder").clicked();
            })
            .response
            .on_hover_text("New request or folder")
            .accessible_name("Add menu");
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("🔍 Filter requests")
                    .desired_width(f32::INFINITY),
            )
            .accessible_name("Filter requests");
            if new_request {
                command = Some(RowCommand::NewRequestIn(Self::current_folder(workspace)));
            } else if new_socketio {
                let folder = Self::current_folder(workspace);
                command = Some(RowCommand::NewSocketIoRequestIn(folder));
            } else if new_folder {
                command = Some(RowCommand::NewFolderIn(Self::current_folder(workspace)));
            }
        });
        ui.add_space(2.0);
        self.confirm_ui(ui, workspace, &mut actions);
        self.undo_ui(ui, workspace);

        if workspace.requests.is_empty() && workspace.folders.is_empty() {
            ui.add_space(24.0);
            ui.vertical_centered(|ui| {
                ui.weak("No requests yet:\npress + to create one");
            });
        }

        let needle = self.search.to_lowercase();
        let rows = tree::visible_rows(workspace, &needle);
        if let Some(c) = keyboard(ui, workspace, &rows) {
            command = Some(c);
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for row in &rows {
                    if let Some(c) = self.row(ui, row, workspace, sessions) {
                        command = Some(c);
                    }
                }
                if !needle.is_empty() {
                    if rows.is_empty() {
                        ui.weak("No request matches");
                    }
                    ui.weak("Clear the filter to see all requests");
                }
                // The space below the rows: a drop there goes to the top level; a right-click
                // offers what the + buttons do.
                let size = egui::vec2(ui.available_width(), ui.available_height().max(24.0));
                let (_, below) = ui.allocate_exact_size(size, Sense::click());
                if let Some(c) = dnd::root_drop(ui, &below, workspace) {
                    command = Some(c);
                }
                below.context_menu(|ui| {
                    if ui.button("New request").clicked() {
                        command = Some(RowCommand::NewRequestIn(None));
                    }
                    if ui.button("New Socket.IO request").clicked() {
                        command = Some(RowCommand::NewSocketIoRequestIn(None));
                    }
                    if ui.button("New folder").clicked() {
                        command = Some(RowCommand::NewFolderIn(None));
                    }
                });
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
        row: &tree::Row,
        workspace: &Workspace,
        sessions: &HashMap<String, RequestSession>,
    ) -> Option<RowCommand> {
        if let Some(rename) = self.renaming.as_mut().filter(|r| r.item == row.item) {
            return tree::rename_ui(ui, rename, row.depth);
        }
        let (selected, state) = match &row.item {
            Item::Request(id) => (
                (workspace.selected_folder.is_none()
                    && workspace.selected_request.as_deref() == Some(id))
                    || self.marked.contains(id),
                sessions.get(id).map(|s| s.state).unwrap_or_default(),
            ),
            Item::Folder(id) => (
                workspace.selected_folder.as_deref() == Some(id),
                ConnState::default(),
            ),
        };
        let look = RowLook {
            row,
            selected,
            state,
        };
        tree::row_ui(ui, &look, |ui, response, rect| {
            dnd::row_drop(ui, response, rect, row, workspace)
        })
    }

    /// "Delete “Home” and the 3 requests in it?" for a folder that holds requests.
    fn confirm_ui(
        &mut self,
        ui: &mut Ui,
        workspace: &mut Workspace,
        actions: &mut Vec<SidebarAction>,
    ) {
        let Some(id) = self.confirm_delete.clone() else {
            return;
        };
        let Some(folder) = workspace.folder(&id) else {
            self.confirm_delete = None;
            return;
        };
        let n = workspace.requests_under(&id).len();
        let what = if n == 1 {
            "the request".to_owned()
        } else {
            format!("the {n} requests")
        };
        let mut delete = false;
        let mut cancel = false;
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("Delete “{}” and {what} in it?", folder.name));
            delete = ui
                .button(RichText::new("Delete").color(ui.visuals().error_fg_color))
                .on_hover_text("Undo brings it back")
                .accessible_name("Confirm delete")
                .clicked();
            cancel = ui.button("Cancel").clicked();
        });
        if delete {
            self.confirm_delete = None;
            self.delete_folder(workspace, &id, actions);
        } else if cancel || ui.input(|i| i.key_pressed(Key::Escape)) {
            self.confirm_delete = None;
        }
    }

    fn undo_ui(&mut self, ui: &mut Ui, workspace: &mut Workspace) {
        let Some(undo) = &self.undo else { return };
        let text = match undo {
            Undo::Request(_, r) => format!("Deleted “{}”.", r.name),
            Undo::Folder(removed) => match removed.requests.len() {
                0 => format!("Deleted “{}”.", removed.name()),
                1 => format!("Deleted “{}” and 1 request.", removed.name()),
                n => format!("Deleted “{}” and {n} requests.", removed.name()),
            },
        };
        let mut undo = false;
        let mut dismiss = false;
        ui.horizontal_wrapped(|ui| {
            ui.weak(text);
            undo = ui.small_button("Undo").clicked();
            dismiss = ui
                .small_button("×")
                .on_hover_text("Dismiss")
                .accessible_name("Dismiss undo")
                .clicked();
        });
        if undo {
            match self.undo.take() {
                Some(Undo::Request(index, request)) => {
                    let index = index.min(workspace.requests.len());
                    workspace.selected_request = Some(request.id.clone());
                    workspace.selected_folder = None;
                    workspace.requests.insert(index, *request);
                }
                Some(Undo::Folder(removed)) => {
                    workspace.selected_folder = removed.folders.first().map(|(_, f)| f.id.clone());
                    workspace.restore(removed);
                }
                None => {}
            }
        } else if dismiss {
            self.undo = None;
        }
    }

    fn delete_folder(
        &mut self,
        workspace: &mut Workspace,
        id: &str,
        actions: &mut Vec<SidebarAction>,
    ) {
        let removed = workspace.remove_folder(id);
        actions.extend(
            removed
                .requests
                .iter()
                .map(|(_, r)| SidebarAction::Deleted(r.id.clone())),
        );
        if workspace.selected_request.is_none() {
            workspace.selected_request = workspace.requests.first().map(|r| r.id.clone());
        }
        self.undo = Some(Undo::Folder(removed));
    }

    fn apply(
        &mut self,
        command: RowCommand,
        workspace: &mut Workspace,
        actions: &mut Vec<SidebarAction>,
    ) {
        match command {
            RowCommand::Select(Item::Request(id)) => {
                self.marked.clear();
                workspace.selected_request = Some(id);
                workspace.selected_folder = None;
            }
            RowCommand::Select(Item::Folder(id)) => {
                self.marked.clear();
                workspace.selected_folder = Some(id);
            }
            RowCommand::ToggleMark(id) => {
                workspace.selected_folder = None;
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
            RowCommand::StartRename(item) => {
                match &item {
                    Item::Request(id) => {
                        workspace.selected_request = Some(id.clone());
                        workspace.selected_folder = None;
                    }
                    Item::Folder(id) => workspace.selected_folder = Some(id.clone()),
                }
                self.start_renaming(workspace, item);
            }
            RowCommand::CancelRename => self.renaming = None,
            RowCommand::CommitRename => {
                if let Some(rename) = self.renaming.take() {
                    let name = rename.text.trim().to_owned();
                    match &rename.item {
                        Item::Request(id) => {
                            if let Some(r) = workspace.request_mut(id) {
                                r.name = name;
                            }
                        }
                        Item::Folder(id) => {
                            if let Some(f) = workspace.folder_mut(id) {
                                f.name = name;
                            }
                        }
                    }
                }
            }
            RowCommand::Duplicate(Item::Request(id)) => {
                if let Some(pos) = workspace.requests.iter().position(|r| r.id == id) {
                    let mut copy = workspace.requests[pos].clone();
                    copy.id = crate::model::new_id();
                    copy.name = workspace.unique_request_name(&format!("{} copy", copy.name));
                    workspace.selected_request = Some(copy.id.clone());
                    workspace.selected_folder = None;
                    let folder = workspace.folder_of(&copy).map(str::to_owned);
                    workspace.requests.insert(pos + 1, copy);
                    reveal(workspace, folder.as_deref());
                }
            }
            RowCommand::Duplicate(Item::Folder(id)) => {
                if let Some(copy) = workspace.duplicate_folder(&id) {
                    workspace.selected_folder = Some(copy);
                }
            }
            RowCommand::Delete(Item::Request(id)) => {
                if let Some(pos) = workspace.requests.iter().position(|r| r.id == id) {
                    let removed = workspace.requests.remove(pos);
                    if workspace.selected_request.as_deref() == Some(&id) {
                        workspace.selected_request = workspace
                            .requests
                            .get(pos)
                            .or_else(|| workspace.requests.get(pos.wrapping_sub(1)))
                            .map(|r| r.id.clone());
                    }
                    self.undo = Some(Undo::Request(pos, Box::new(removed)));
                    actions.push(SidebarAction::Deleted(id));
                }
            }
            RowCommand::Delete(Item::Folder(id)) => {
                if workspace.requests_under(&id).is_empty() {
                    self.delete_folder(workspace, &id, actions);
                } else {
                    self.confirm_delete = Some(id);
                }
            }
            RowCommand::Shift(item, by) => shift(workspace, &item, by),
            RowCommand::NewRequestIn(folder) => {
                self.new_request_in(workspace, folder, RequestKind::WebSocket);
            }
            RowCommand::NewSocketIoRequestIn(folder) => {
                self.new_request_in(workspace, folder, RequestKind::SocketIo);
            }
            RowCommand::NewFolderIn(parent) => self.new_folder_in(workspace, parent),
            RowCommand::ToggleOpen(id) => {
                if !workspace.collapsed_folders.remove(&id) {
                    workspace.collapsed_folders.insert(id);
                }
            }
            RowCommand::ExportFolder(id) => actions.push(SidebarAction::ExportFolder(id)),
            RowCommand::Drop { dragged, onto } => dnd::apply_drop(workspace, &dragged, &onto),
        }
    }
}

/// Opens `folder` and every folder around it, so that what is in it shows.
fn reveal(workspace: &mut Workspace, folder: Option<&str>) {
    let chain: Vec<String> = workspace
        .folder_chain(folder)
        .iter()
        .map(|f| f.id.clone())
        .collect();
    for id in chain {
        workspace.collapsed_folders.remove(&id);
    }
}

/// Moves `item` one place up (`by` < 0) or down among its siblings.
fn shift(workspace: &mut Workspace, item: &Item, by: isize) {
    let (parent, siblings): (Option<String>, Vec<String>) = match item {
        Item::Request(id) => {
            let Some(r) = workspace.request(id) else {
                return;
            };
            let folder = workspace.folder_of(r);
            let ids = workspace
                .requests_in(folder)
                .map(|r| r.id.clone())
                .collect();
            (folder.map(str::to_owned), ids)
        }
        Item::Folder(id) => {
            let Some(f) = workspace.folder(id) else {
                return;
            };
            let parent = workspace.parent_of(f);
            let ids = workspace
                .child_folders(parent)
                .map(|f| f.id.clone())
                .collect();
            (parent.map(str::to_owned), ids)
        }
    };
    let Some(at) = siblings.iter().position(|s| s == item.id()) else {
        return;
    };
    // What it goes before: the previous sibling, or the one after the next (none: the end).
    let before = match (by < 0, at.checked_sub(1)) {
        (true, None) => return,
        (true, Some(prev)) => siblings.get(prev),
        (false, _) if at + 1 >= siblings.len() => return,
        (false, _) => siblings.get(at + 2),
    };
    let before = before.map(String::as_str);
    match item {
        Item::Request(id) => workspace.move_request(id, parent.as_deref(), before),
        Item::Folder(id) => {
            workspace.move_folder(id, parent.as_deref(), before);
        }
    }
}

/// The arrow keys, while no text field has the keyboard: up and down move the selection over
/// the visible rows; right opens a folder (or goes to its first row), left closes it (or goes
/// to the enclosing folder).
fn keyboard(ui: &Ui, workspace: &Workspace, rows: &[tree::Row]) -> Option<RowCommand> {
    if ui.ctx().text_edit_focused() || rows.is_empty() {
        return None;
    }
    let (up, down, left, right) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, Key::ArrowUp),
            i.consume_key(egui::Modifiers::NONE, Key::ArrowDown),
            i.consume_key(egui::Modifiers::NONE, Key::ArrowLeft),
            i.consume_key(egui::Modifiers::NONE, Key::ArrowRight),
        )
    });
    if !(up || down || left || right) {
        return None;
    }
    let current = Sidebar::selected(workspace);
    let at = current
        .as_ref()
        .and_then(|c| rows.iter().position(|r| r.item == *c));
    let Some(at) = at else {
        return Some(RowCommand::Select(rows[0].item.clone()));
    };
    let row = &rows[at];
    if up {
        return at
            .checked_sub(1)
            .map(|i| RowCommand::Select(rows[i].item.clone()));
    }
    if down {
        return rows.get(at + 1).map(|r| RowCommand::Select(r.item.clone()));
    }
    match (&row.item, right) {
        (Item::Folder(id), true) if !row.open => Some(RowCommand::ToggleOpen(id.clone())),
        (Item::Folder(_), true) => rows
            .get(at + 1)
            .filter(|next| next.depth > row.depth)
            .map(|next| RowCommand::Select(next.item.clone())),
        (Item::Folder(id), false) if row.open => Some(RowCommand::ToggleOpen(id.clone())),
        (_, false) => rows[..at]
            .iter()
            .rev()
            .find(|r| r.depth < row.depth)
            .map(|parent| RowCommand::Select(parent.item.clone())),
        (Item::Request(_), true) => None,
    }
}

fn environment_picker(ui: &mut Ui, workspace: &mut Workspace, environments_open: &mut bool) {
    ui.horizontal(|ui| {
        let label = ui.label("Environment");
        let current = workspace
            .active_environment()
            .map_or_else(|| "No environment".to_owned(), |e| e.name.clone());
        // Elided to the width it has (the whole name on hover): a name wider than the
        // sidebar ("No environment" at its narrowest) used to push the sidebar wider.
        let width = (ui.available_width() - 36.0).max(60.0);
        let mut combo_ui = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(egui::Rect::from_min_size(
                    ui.cursor().min,
                    egui::vec2(width, ui.spacing().interact_size.y),
                ))
                .layout(*ui.layout()),
        );
        let combo = egui::ComboBox::from_id_salt("environment_picker")
            .selected_text(current.clone())
            .width(width)
            .truncate()
            .show_ui(&mut combo_ui, |ui| {
                ui.selectable_value(&mut workspace.active_environment, None, "No environment");
                for env in &workspace.environments {
                    ui.selectable_value(
                        &mut workspace.active_environment,
                        Some(env.id.clone()),
                        &env.name,
                    );
                }
            });
        ui.advance_cursor_after_rect(combo_ui.min_rect());
        combo.response.labelled_by(label.id).on_hover_text(current);
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
