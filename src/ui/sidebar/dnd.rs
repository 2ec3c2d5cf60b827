//! Drag and drop in the sidebar's tree: where a dragged request or folder would land, the
//! indicator that shows it (a line between rows, or a frame around the folder it goes into),
//! and the move itself.
//!
//! Zones: over a request row, its upper half means "before it" and its lower half "after it"
//! (a dragged folder goes into that request's folder). Over a folder row, a dragged request
//! goes into the folder; a dragged folder goes before it (top quarter), after it (bottom
//! quarter) or into it. Below the rows is the top level. A folder never goes into itself or a
//! folder inside it: no indicator shows, and the drop does nothing.

use egui::{Rect, Response, Stroke, Ui};

use super::tree::{Drop, Item, Row, RowCommand};
use crate::model::Workspace;

/// The drop a row offers for what is being dragged, with its indicator; the command when it
/// is released here.
pub fn row_drop(
    ui: &Ui,
    response: &Response,
    rect: &Rect,
    row: &Row,
    ws: &Workspace,
) -> Option<RowCommand> {
    let dragged = response.dnd_hover_payload::<Item>()?;
    let pointer = ui.ctx().pointer_interact_pos()?;
    let frac = ((pointer.y - rect.top()) / rect.height().max(1.0)).clamp(0.0, 1.0);
    let onto = match (&*dragged, &row.item) {
        (_, target) if *target == *dragged => return None,
        (Item::Request(_), Item::Folder(f)) => Drop::Into(Some(f.clone())),
        (Item::Folder(_), Item::Folder(f)) if frac < 0.25 => Drop::Beside {
            item: Item::Folder(f.clone()),
            after: false,
        },
        (Item::Folder(_), Item::Folder(f)) if frac > 0.75 && !row.open => Drop::Beside {
            item: Item::Folder(f.clone()),
            after: true,
        },
        (Item::Folder(_), Item::Folder(f)) => Drop::Into(Some(f.clone())),
        (Item::Folder(_), Item::Request(r)) => Drop::Into(
            ws.request(r)
                .and_then(|r| ws.folder_of(r))
                .map(str::to_owned),
        ),
        (Item::Request(_), Item::Request(r)) => Drop::Beside {
            item: Item::Request(r.clone()),
            after: frac > 0.5,
        },
    };
    if !allowed(ws, &dragged, &onto) {
        return None;
    }
    let color = ui.visuals().selection.stroke.color;
    match &onto {
        Drop::Beside { after, .. } => {
            let y = if *after { rect.bottom() } else { rect.top() };
            ui.painter()
                .hline(rect.x_range(), y, Stroke::new(2.0, color));
        }
        Drop::Into(_) => {
            ui.painter().rect_stroke(
                *rect,
                3.0,
                Stroke::new(2.0, color),
                egui::StrokeKind::Inside,
            );
        }
    }
    let released = response.dnd_release_payload::<Item>()?;
    Some(RowCommand::Drop {
        dragged: (*released).clone(),
        onto,
    })
}

/// The empty space below the rows: a drop there goes to the top level.
pub fn root_drop(ui: &Ui, response: &Response, ws: &Workspace) -> Option<RowCommand> {
    let dragged = response.dnd_hover_payload::<Item>()?;
    let onto = Drop::Into(None);
    if !allowed(ws, &dragged, &onto) {
        return None;
    }
    let rect = response.rect;
    ui.painter().hline(
        rect.x_range(),
        rect.top() + 1.0,
        Stroke::new(2.0, ui.visuals().selection.stroke.color),
    );
    let released = response.dnd_release_payload::<Item>()?;
    Some(RowCommand::Drop {
        dragged: (*released).clone(),
        onto,
    })
}

/// The folder a drop puts things in.
fn target_folder(ws: &Workspace, onto: &Drop) -> Option<String> {
    match onto {
        Drop::Into(f) => f.clone(),
        Drop::Beside {
            item: Item::Request(r),
            ..
        } => ws
            .request(r)
            .and_then(|r| ws.folder_of(r))
            .map(str::to_owned),
        Drop::Beside {
            item: Item::Folder(f),
            ..
        } => ws
            .folder(f)
            .and_then(|f| ws.parent_of(f))
            .map(str::to_owned),
    }
}

/// Whether `dragged` may land at `onto`: a folder never goes into itself or below.
fn allowed(ws: &Workspace, dragged: &Item, onto: &Drop) -> bool {
    match dragged {
        Item::Request(_) => true,
        Item::Folder(id) => target_folder(ws, onto).is_none_or(|t| !ws.is_within(&t, id)),
    }
}

/// Moves `dragged` to where `onto` says.
pub fn apply_drop(ws: &mut Workspace, dragged: &Item, onto: &Drop) {
    if !allowed(ws, dragged, onto) {
        return;
    }
    let folder = target_folder(ws, onto);
    let folder = folder.as_deref();
    // "After `next`" is "before the sibling that follows it" (none: at the end).
    let before = match onto {
        Drop::Beside { item, after: false } => Some(item.id().to_owned()),
        Drop::Beside { item, after: true } => {
            let siblings: Vec<&str> = match item {
                Item::Request(_) => ws.requests_in(folder).map(|r| r.id.as_str()).collect(),
                Item::Folder(_) => ws.child_folders(folder).map(|f| f.id.as_str()).collect(),
            };
            let siblings: Vec<&str> = siblings
                .into_iter()
                .filter(|s| *s != dragged.id())
                .collect();
            let at = siblings.iter().position(|s| *s == item.id());
            at.and_then(|at| siblings.get(at + 1))
                .map(|s| (*s).to_owned())
        }
        Drop::Into(_) => None,
    };
    // Only a request goes before a request, and a folder before a folder.
    let same_kind = matches!(
        (dragged, onto),
        (
            Item::Request(_),
            Drop::Beside {
                item: Item::Request(_),
                ..
            }
        ) | (
            Item::Folder(_),
            Drop::Beside {
                item: Item::Folder(_),
                ..
            }
        )
    );
    let before = before.filter(|_| same_kind);
    match dragged {
        Item::Request(id) => ws.move_request(id, folder, before.as_deref()),
        Item::Folder(id) => {
            ws.move_folder(id, folder, before.as_deref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SavedRequest;

    #[test]
    fn drops_move_and_never_loop() {
        let mut ws = Workspace::default();
        let a = ws.add_folder(None);
        let b = ws.add_folder(None);
        for name in ["r1", "r2", "r3"] {
            ws.requests.push(SavedRequest::new(name, "ws://x"));
        }
        let [r1, r2, r3] = [0, 1, 2].map(|i| ws.requests[i].id.clone());
        apply_drop(
            &mut ws,
            &Item::Request(r1.clone()),
            &Drop::Beside {
                item: Item::Request(r3.clone()),
                after: true,
            },
        );
        let order: Vec<&str> = ws.requests.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(order, ["r2", "r3", "r1"]);
        apply_drop(
            &mut ws,
            &Item::Request(r2.clone()),
            &Drop::Into(Some(a.clone())),
        );
        assert_eq!(ws.requests_under(&a), [r2]);
        apply_drop(
            &mut ws,
            &Item::Folder(b.clone()),
            &Drop::Into(Some(a.clone())),
        );
        assert_eq!(ws.folder(&b).unwrap().parent.as_deref(), Some(a.as_str()));
        // A into B, which is inside A: refused.
        apply_drop(
            &mut ws,
            &Item::Folder(a.clone()),
            &Drop::Into(Some(b.clone())),
        );
        assert_eq!(ws.folder(&a).unwrap().parent, None);
        apply_drop(&mut ws, &Item::Folder(b.clone()), &Drop::Into(None));
        assert_eq!(ws.folder(&b).unwrap().parent, None);
        let _ = r1;
    }
}
