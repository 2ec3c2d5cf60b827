//! A folder's page, shown instead of a request when a folder is selected in the sidebar: its
//! name and path, what it holds, and the settings it shares with everything inside it —
//! Headers (plus those it gets from the folders around it, read-only), Auth ("Inherit from
//! parent" by default) and Variables.

use std::collections::HashSet;

use egui::{RichText, Ui};

use super::auth_editor::{Inheriting, auth_editor};
use super::widgets::{VarContext, kv_table, var_table};
use crate::model::{InheritedHeader, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FolderTab {
    #[default]
    Headers,
    Auth,
    Variables,
}

impl FolderTab {
    const ALL: [FolderTab; 3] = [Self::Headers, Self::Auth, Self::Variables];

    fn label(self) -> &'static str {
        match self {
            Self::Headers => "Headers",
            Self::Auth => "Auth",
            Self::Variables => "Variables",
        }
    }
}

#[derive(Default)]
pub struct FolderView {
    pub tab: FolderTab,
    reveal_auth: bool,
    /// Secret variable rows shown in clear, by (folder id, row).
    revealed: HashSet<(String, usize)>,
    /// The Name field's text while it is empty (an empty name is not taken): (folder id, text).
    name_draft: Option<(String, String)>,
}

impl FolderView {
    /// Draws folder `id` of `workspace`; `vars` are the variables in effect inside it.
    pub fn ui(&mut self, ui: &mut Ui, workspace: &mut Workspace, id: &str, vars: &VarContext) {
        let Some(folder) = workspace.folder(id) else {
            return;
        };
        let parent = workspace.parent_of(folder).map(str::to_owned);
        let inherited = workspace.headers_inherited_in(parent.as_deref(), &folder.headers);
        let parent_auth = workspace.effective_auth(&crate::model::Auth::Inherit, parent.as_deref());
        let path = workspace.folder_path(id);
        let requests = workspace.requests_under(id).len();
        let folders = workspace.folder_and_descendants(id).len() - 1;
        let Some(folder) = workspace.folder_mut(id) else {
            return;
        };

        ui.horizontal(|ui| {
            ui.label(RichText::new("🗀").size(18.0));
            let l = ui.label("Name");
            // The name is taken as typed unless it is empty; meanwhile the folder keeps its old
            // name and the field says why.
            if self.name_draft.as_ref().is_some_and(|(f, _)| f != id) {
                self.name_draft = None;
            }
            let mut text = match &self.name_draft {
                Some((_, draft)) => draft.clone(),
                None => folder.name.clone(),
            };
            // Named apart from the sidebar's inline "Folder name" and the tables' "Name" column.
            let response = ui
                .add(egui::TextEdit::singleline(&mut text).desired_width(220.0))
                .labelled_by(l.id)
                .accessible_name("Name of the folder");
            if text.trim().is_empty() {
                self.name_draft = Some((id.to_owned(), text));
                ui.colored_label(ui.visuals().error_fg_color, "A folder needs a name");
                if response.lost_focus() {
                    self.name_draft = None;
                }
            } else {
                self.name_draft = None;
                if response.changed() {
                    folder.name = text;
                }
            }
        });
        ui.weak(format!(
            "{path} · {} · {}",
            count(requests, "request"),
            count(folders, "folder")
        ));
        ui.weak("Its headers, auth and variables apply to every request inside it.");
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            for tab in FolderTab::ALL {
                ui.selectable_value(&mut self.tab, tab, tab.label());
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| match self.tab {
                FolderTab::Headers => {
                    kv_table(ui, "folder_headers", &mut folder.headers, vars, "header");
                    inherited_headers(ui, &inherited);
                }
                FolderTab::Auth => {
                    let inheriting = Inheriting {
                        label: "Inherit from parent",
                        resolved: parent_auth,
                    };
                    auth_editor(
                        ui,
                        "folder",
                        &mut folder.auth,
                        &inheriting,
                        &mut self.reveal_auth,
                        vars,
                    );
                }
                FolderTab::Variables => {
                    ui.weak(
                        "Used by the requests inside, over the active environment and Globals; \
                         a folder nearer the request wins.",
                    );
                    ui.add_space(4.0);
                    let mut revealed: HashSet<usize> = self
                        .revealed
                        .iter()
                        .filter(|(f, _)| f == id)
                        .map(|(_, i)| *i)
                        .collect();
                    var_table(
                        ui,
                        ("folder_vars", id),
                        &mut folder.variables,
                        &mut revealed,
                    );
                    self.revealed.retain(|(f, _)| f != id);
                    self.revealed
                        .extend(revealed.into_iter().map(|i| (id.to_owned(), i)));
                }
            });
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The headers a request or folder gets from its folders: read-only rows, each saying which
/// folder it comes from (a row of the same name above wins over it).
pub fn inherited_headers(ui: &mut Ui, headers: &[InheritedHeader]) {
    if headers.is_empty() {
        return;
    }
    ui.add_space(10.0);
    ui.label(RichText::new("Inherited from folders").strong());
    egui::Grid::new("inherited_headers")
        .num_columns(3)
        .spacing([12.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            for h in headers {
                ui.monospace(&h.header.key);
                ui.monospace(&h.header.value);
                ui.weak(format!("from “{}”", h.from))
                    .on_hover_text("Set in the folder's Headers; a row of the same name here wins");
                ui.end_row();
            }
        });
}
