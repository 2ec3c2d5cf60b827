//! The sidebar's tree: which rows are visible (folders first, then requests, under each
//! parent; collapsed folders hide what they hold; a search shows the matching requests under
//! their folder path with those folders open), and one row's drawing (inline rename, the
//! collapse arrow, the connected dot, the context menus).
//!
//! A row only says what the user asked for, as a [`RowCommand`]; the sidebar applies it.

use std::collections::HashMap;

use egui::text::{CCursor, CCursorRange};
use egui::{Color32, Key, RichText, Sense, Ui};

use crate::model::{Folder, SavedRequest, Workspace};
use crate::ui::widgets::ConnState;

/// A row of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Item {
    Request(String),
    Folder(String),
}

impl Item {
    pub fn id(&self) -> &str {
        match self {
            Item::Request(id) | Item::Folder(id) => id,
        }
    }
}

/// A visible row: what it is, how deep, and for a folder whether it shows its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub item: Item,
    pub depth: usize,
    pub open: bool,
    pub name: String,
    /// The folder it is in; a folder row: the folder itself (where "New request here" goes).
    pub folder: Option<String>,
}

/// What a row asked for this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowCommand {
    Select(Item),
    ToggleMark(String),
    StartRename(Item),
    CancelRename,
    CommitRename,
    Duplicate(Item),
    Delete(Item),
    /// Up (-1) or down (+1) among its siblings.
    Shift(Item, isize),
    NewRequestIn(Option<String>),
    /// A Socket.IO request in the folder (`None`: the top level).
    NewSocketIoRequestIn(Option<String>),
    NewFolderIn(Option<String>),
    ToggleOpen(String),
    ExportFolder(String),
    Drop {
        dragged: Item,
        onto: Drop,
    },
}

/// Where a drop lands (see `dnd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drop {
    /// At the end of a folder (`None`: the top level).
    Into(Option<String>),
    /// Next to a row, in the same parent.
    Beside { item: Item, after: bool },
}

/// The name being typed for a request or folder.
pub struct Rename {
    pub item: Item,
    pub text: String,
    /// Set on the first frame: focus the field and select the old name.
    pub started: bool,
    pub error: Option<&'static str>,
}

/// The rows to show, in order. `needle` (lower case) keeps the requests whose name, URL or
/// folder path contains it, with their folders open.
pub fn visible_rows(ws: &Workspace, needle: &str) -> Vec<Row> {
    let mut folders: HashMap<Option<&str>, Vec<&Folder>> = HashMap::new();
    for f in &ws.folders {
        folders.entry(ws.parent_of(f)).or_default().push(f);
    }
    let mut requests: HashMap<Option<&str>, Vec<&SavedRequest>> = HashMap::new();
    for r in &ws.requests {
        let folder = ws.folder_of(r);
        if !needle.is_empty() {
            let path = ws.request_path(r).to_lowercase();
            if !path.contains(needle) && !r.url.to_lowercase().contains(needle) {
                continue;
            }
        }
        requests.entry(folder).or_default().push(r);
    }
    // While searching, a folder shows only if a match is inside it.
    let mut holds_match: HashMap<&str, bool> = HashMap::new();
    if !needle.is_empty() {
        for (folder, _) in requests.iter().filter(|(_, r)| !r.is_empty()) {
            for f in ws.folder_chain(*folder) {
                holds_match.insert(f.id.as_str(), true);
            }
        }
    }
    let mut rows = Vec::new();
    push_level(
        ws,
        &folders,
        &requests,
        &holds_match,
        needle,
        None,
        0,
        &mut rows,
    );
    rows
}

#[allow(clippy::too_many_arguments)]
fn push_level<'a>(
    ws: &'a Workspace,
    folders: &HashMap<Option<&'a str>, Vec<&'a Folder>>,
    requests: &HashMap<Option<&'a str>, Vec<&'a SavedRequest>>,
    holds_match: &HashMap<&str, bool>,
    needle: &str,
    parent: Option<&'a str>,
    depth: usize,
    rows: &mut Vec<Row>,
) {
    for f in folders.get(&parent).into_iter().flatten() {
        if !needle.is_empty() && !holds_match.contains_key(f.id.as_str()) {
            continue;
        }
        let open = !needle.is_empty() || !ws.collapsed_folders.contains(&f.id);
        rows.push(Row {
            item: Item::Folder(f.id.clone()),
            depth,
            open,
            name: f.name.clone(),
            folder: Some(f.id.clone()),
        });
        // The model never makes a loop; the depth guard is for the stack all the same.
        if open && depth < 256 {
            let id = Some(f.id.as_str());
            push_level(
                ws,
                folders,
                requests,
                holds_match,
                needle,
                id,
                depth + 1,
                rows,
            );
        }
    }
    for r in requests.get(&parent).into_iter().flatten() {
        rows.push(Row {
            item: Item::Request(r.id.clone()),
            depth,
            open: false,
            name: r.name.clone(),
            folder: parent.map(str::to_owned),
        });
    }
}

const INDENT: f32 = 14.0;

/// The inline rename field of a row; returns what Enter, Escape or leaving it asked for.
pub fn rename_ui(ui: &mut Ui, rename: &mut Rename, depth: usize) -> Option<RowCommand> {
    let (label, hint, empty) = match rename.item {
        Item::Request(_) => ("Request name", "Request name", "A request needs a name"),
        Item::Folder(_) => ("Folder name", "Folder name", "A folder needs a name"),
    };
    let mut command = None;
    ui.horizontal(|ui| {
        ui.add_space(depth as f32 * INDENT);
        let output = egui::TextEdit::singleline(&mut rename.text)
            .hint_text(hint)
            .desired_width(f32::INFINITY)
            .show(ui);
        let response = output.response.response.clone().accessible_name(label);
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
        let escape = ui.input(|i| i.key_pressed(Key::Escape));
        let enter = ui.input(|i| i.key_pressed(Key::Enter));
        if escape {
            command = Some(RowCommand::CancelRename);
        } else if response.lost_focus() || (enter && response.has_focus()) {
            if rename.text.trim().is_empty() {
                if enter {
                    rename.error = Some(empty);
                    response.request_focus();
                } else {
                    command = Some(RowCommand::CancelRename);
                }
            } else {
                command = Some(RowCommand::CommitRename);
            }
        }
    });
    if let Some(error) = rename.error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    command
}

/// How a row looks: enough to draw it without the workspace.
pub struct RowLook<'a> {
    pub row: &'a Row,
    pub selected: bool,
    pub state: ConnState,
}

/// Draws one row (not being renamed) and returns what the user asked of it. `drop_zone` is
/// asked, with the row's response and rect, what a drag held over it would do.
pub fn row_ui(
    ui: &mut Ui,
    look: &RowLook<'_>,
    drop_zone: impl FnOnce(&Ui, &egui::Response, &egui::Rect) -> Option<RowCommand>,
) -> Option<RowCommand> {
    let mut command = None;
    let row = look.row;
    let is_folder = matches!(row.item, Item::Folder(_));
    let inner = ui.horizontal(|ui| {
        ui.add_space(row.depth as f32 * INDENT);
        if let Item::Folder(id) = &row.item {
            let (arrow, verb) = if row.open {
                ("⏷", "Collapse")
            } else {
                ("⏵", "Expand")
            };
            if ui
                .add(egui::Button::new(arrow).frame(false).small())
                .on_hover_text(format!("{verb} “{}”", look.row.name))
                .accessible_name(format!("{verb} {}", look.row.name))
                .clicked()
            {
                command = Some(RowCommand::ToggleOpen(id.clone()));
            }
            ui.add(egui::Label::new(RichText::new("🗀").weak()).selectable(false));
        } else {
            // The connected dot sits outside the button so the button's name stays the
            // request's name.
            let (dot_rect, _) = ui.allocate_exact_size(egui::vec2(8.0, 8.0), Sense::hover());
            if look.state.is_active() {
                ui.painter().circle_filled(
                    dot_rect.center(),
                    3.5,
                    look.state.color(ui.visuals().dark_mode),
                );
            }
        }
        let text = if is_folder {
            RichText::new(look.row.name.as_str()).strong()
        } else {
            RichText::new(look.row.name.as_str())
        };
        ui.add(
            egui::Button::selectable(look.selected, (text, egui::Atom::grow()))
                .truncate()
                .min_size(egui::vec2(ui.available_width(), 22.0))
                .sense(Sense::click_and_drag()),
        )
    });
    let response = inner.inner;
    let response = if look.state.is_active() {
        response.on_hover_text(format!("{}: {}", look.row.name, look.state.label()))
    } else {
        response
    };
    if command.is_some() {
        return command;
    }
    // A fast third click (a triple-click) still means "rename", not "select".
    if response.double_clicked() || response.triple_clicked() {
        command = Some(RowCommand::StartRename(row.item.clone()));
    } else if response.clicked() {
        command = Some(match &row.item {
            Item::Request(id) if ui.input(|i| i.modifiers.command) => {
                RowCommand::ToggleMark(id.clone())
            }
            item => RowCommand::Select(item.clone()),
        });
    }
    if let Some(drop) = drop_zone(ui, &response, &inner.response.rect) {
        command = Some(drop);
    }
    response.dnd_set_drag_payload(row.item.clone());
    response.context_menu(|ui| {
        if let Some(c) = context_menu(ui, look) {
            command = Some(c);
        }
    });
    command
}

fn context_menu(ui: &mut Ui, look: &RowLook<'_>) -> Option<RowCommand> {
    let item = look.row.item.clone();
    let mut command = None;
    let mut choose = |ui: &mut Ui, label: &str, c: RowCommand| {
        if ui.button(label).clicked() {
            command = Some(c);
        }
    };
    let folder = look.row.folder.clone();
    if let Item::Folder(id) = &item {
        choose(
            ui,
            "New request here",
            RowCommand::NewRequestIn(Some(id.clone())),
        );
        choose(
            ui,
            "New Socket.IO request here",
            RowCommand::NewSocketIoRequestIn(Some(id.clone())),
        );
        choose(ui, "New folder", RowCommand::NewFolderIn(Some(id.clone())));
    } else {
        choose(ui, "New folder", RowCommand::NewFolderIn(folder));
    }
    ui.separator();
    choose(ui, "Rename", RowCommand::StartRename(item.clone()));
    choose(ui, "Duplicate", RowCommand::Duplicate(item.clone()));
    if let Item::Folder(id) = &item {
        choose(ui, "Export folder…", RowCommand::ExportFolder(id.clone()));
    }
    ui.separator();
    choose(ui, "Move up", RowCommand::Shift(item.clone(), -1));
    choose(ui, "Move down", RowCommand::Shift(item.clone(), 1));
    ui.separator();
    if ui
        .button(RichText::new("Delete").color(Color32::from_rgb(0xd9, 0x4a, 0x4a)))
        .clicked()
    {
        command = Some(RowCommand::Delete(item));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_first_collapsed_hide_and_search_opens() {
        let mut ws = Workspace::default();
        let home = ws.add_folder(None);
        let mut inside = SavedRequest::new("Lights feed", "ws://x");
        inside.folder = Some(home.clone());
        ws.requests.push(SavedRequest::new("Top", "ws://y"));
        ws.requests.push(inside);
        let rows = visible_rows(&ws, "");
        let depths: Vec<usize> = rows.iter().map(|r| r.depth).collect();
        assert_eq!(depths, [0, 1, 0]);
        assert!(matches!(rows[0].item, Item::Folder(_)));

        ws.collapsed_folders.insert(home.clone());
        assert_eq!(visible_rows(&ws, "").len(), 2);
        let found = visible_rows(&ws, "lights");
        assert_eq!(found.len(), 2, "the match under its open folder");
        assert!(found[0].open);
        assert!(visible_rows(&ws, "top").len() == 1);
    }
}
