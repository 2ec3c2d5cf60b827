//! Folders (issue 17): the layout on disk, the sidebar tree driven like a user would
//! (create, rename, nest, drag, collapse, search, delete with Undo, keys), and what a folder
//! shares (headers, auth, variables) seen in the tabs and sent on connect to a real server.
//! The CLI's folder paths, import and export are in `folders_io.rs`.

use crate::support;

use std::path::Path;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use support::gui::*;
use support::*;
use wsprobe::model::{Auth, Folder, KeyValue, SavedRequest, Variable, Workspace};
use wsprobe::store::Store;
use wsprobe::ui::App;
use wsprobe::ui::widgets::ConnState;

/// Home (header X-Folder, bearer auth, variable `path`) / Lights, with "Lights feed" in
/// Lights (auth inherited) and "Top" at the top level.
pub fn home_workspace(url: &str) -> Workspace {
    let url = url.trim_end_matches('/');
    let mut ws = Workspace::default();
    let mut home = Folder::new("Home", None);
    home.id = "home".into();
    home.headers = vec![KeyValue::new("X-Folder", "from-home")];
    home.auth = Auth::Bearer {
        token: "<<token>>".into(),
    };
    home.variables = vec![
        Variable::new("path", "lights"),
        Variable::new("token", "t0k"),
    ];
    let mut lights = Folder::new("Lights", Some("home".into()));
    lights.id = "lights".into();
    let mut feed = SavedRequest::new("Lights feed", format!("{url}/<<path>>"));
    feed.id = "feed".into();
    feed.folder = Some("lights".into());
    feed.auth = Auth::Inherit;
    let mut top = SavedRequest::new("Top", url);
    top.id = "top".into();
    ws.folders = vec![home, lights];
    ws.requests = vec![feed, top];
    ws.selected_request = Some("top".into());
    ws
}

pub fn save(dir: &Path, ws: &Workspace) {
    let (mut store, _, _) = Store::open(dir).unwrap();
    store.save(ws).unwrap();
}

pub fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

// ---------------------------------------------------------------- on disk

#[test]
fn store_layout_is_one_file_per_folder_and_a_field_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = home_workspace("ws://127.0.0.1:1");
    ws.folders[0].variables[1].secret = true;
    ws.collapsed_folders.insert("lights".into());
    save(dir.path(), &ws);

    let home: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "folders/home.json")).unwrap();
    assert_eq!(home["name"], "Home");
    assert_eq!(home["headers"][0]["key"], "X-Folder");
    assert_eq!(home["auth"]["type"], "Bearer");
    // Its credentials are secrets too: kept out of the git-tracked file.
    assert_eq!(home["auth"]["token"], "");
    assert!(read(dir.path(), ".secrets.json").contains("<<token>>"));
    assert!(home.get("parent").is_none(), "top level: no parent field");
    // A secret folder variable goes to .secrets.json, as an environment's does.
    assert_eq!(home["variables"][1]["value"], "");
    assert!(read(dir.path(), ".secrets.json").contains("t0k"));
    let lights: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "folders/lights.json")).unwrap();
    assert_eq!(lights["parent"], "home");
    assert!(read(dir.path(), "requests/feed.json").contains("\"folder\": \"lights\""));
    assert!(!read(dir.path(), "requests/top.json").contains("folder"));
    let manifest = read(dir.path(), "workspace.json");
    assert!(manifest.contains("\"folders\""), "{manifest}");
    assert!(manifest.contains("\"collapsed_folders\""), "{manifest}");

    let (_, back, problems) = Store::open(dir.path()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back.folders, ws.folders);
    assert_eq!(back.requests, ws.requests);
    assert_eq!(back.collapsed_folders, ws.collapsed_folders);
}

#[test]
fn moving_a_request_changes_one_line_of_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = home_workspace("ws://127.0.0.1:1");
    save(dir.path(), &ws);
    let before_feed = read(dir.path(), "requests/feed.json");
    let before_folders = (
        read(dir.path(), "folders/home.json"),
        read(dir.path(), "folders/lights.json"),
    );
    let before_top = read(dir.path(), "requests/top.json");

    let (mut store, _, _) = Store::open(dir.path()).unwrap();
    ws.move_request("feed", Some("home"), None);
    store.save(&ws).unwrap();
    let after_feed = read(dir.path(), "requests/feed.json");
    let changed: Vec<(&str, &str)> = before_feed
        .lines()
        .zip(after_feed.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        [("  \"folder\": \"lights\",", "  \"folder\": \"home\",")]
    );
    assert_eq!(before_feed.lines().count(), after_feed.lines().count());
    assert_eq!(
        (
            read(dir.path(), "folders/home.json"),
            read(dir.path(), "folders/lights.json")
        ),
        before_folders,
        "no folder file is rewritten"
    );
    assert_eq!(read(dir.path(), "requests/top.json"), before_top);
}

#[test]
fn an_old_flat_workspace_loads_and_saves_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace {
        requests: vec![
            SavedRequest::new("A", "ws://a"),
            SavedRequest::new("B", "ws://b"),
        ],
        ..Workspace::default()
    };
    save(dir.path(), &ws);
    let files = |dir: &Path| -> Vec<(String, String)> {
        let mut out = Vec::new();
        for sub in ["", "requests", "environments"] {
            for entry in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
                if entry.path().is_file() {
                    let name = format!("{sub}/{}", entry.file_name().to_string_lossy());
                    out.push((name, std::fs::read_to_string(entry.path()).unwrap()));
                }
            }
        }
        out.sort();
        out
    };
    let before = files(dir.path());
    assert!(!read(dir.path(), "workspace.json").contains("folder"));
    let (mut store, loaded, problems) = Store::open(dir.path()).unwrap();
    assert!(problems.is_empty());
    assert!(loaded.folders.is_empty());
    assert_eq!(loaded.requests, ws.requests);
    store.save(&loaded).unwrap();
    assert_eq!(files(dir.path()), before, "nothing rewritten");
    assert!(
        !dir.path().join("folders").exists(),
        "no folders/ until there is a folder"
    );
}

#[test]
fn a_broken_folder_file_is_reported_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let ws = home_workspace("ws://127.0.0.1:1");
    save(dir.path(), &ws);
    std::fs::write(dir.path().join("folders/lights.json"), "{ not json").unwrap();

    let (mut store, loaded, problems) = Store::open(dir.path()).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].path.ends_with("folders/lights.json"),
        "{problems:?}"
    );
    assert_eq!(loaded.folders.len(), 1);
    assert_eq!(loaded.requests.len(), 2);
    // Its request shows at the top level meanwhile, and keeps its folder for when it is fixed.
    let feed = loaded.request("feed").unwrap();
    assert_eq!(loaded.folder_of(feed), None);
    assert_eq!(feed.folder.as_deref(), Some("lights"));
    store.save(&loaded).unwrap();
    assert_eq!(
        read(dir.path(), "folders/lights.json"),
        "{ not json",
        "never overwritten"
    );
    assert!(read(dir.path(), "requests/feed.json").contains("\"folder\": \"lights\""));
}

// ---------------------------------------------------------------- the sidebar

fn sidebar_names(h: &Harness<'_, App>) -> Vec<String> {
    let ws = h.state().workspace();
    ws.requests.iter().map(|r| ws.request_path(r)).collect()
}

fn folder_named<'a>(ws: &'a Workspace, name: &str) -> &'a Folder {
    ws.folders
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no folder {name}"))
}

/// The + menu → New folder.
fn new_folder(h: &mut Harness<'_, App>) {
    h.get_by_label("Add menu").click();
    h.run();
    h.get_by_label("🗀 New folder").click();
    h.run();
}

fn right_click(h: &mut Harness<'_, App>, label: &str) {
    h.get_by_role_and_label(Role::Button, label)
        .click_secondary();
    h.run();
}

fn type_name(h: &mut Harness<'_, App>, field: &str, name: &str) {
    let input = h.get_by_label(field);
    assert!(input.is_focused(), "the {field} field has the keyboard");
    input.type_text(name);
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
}

/// Drags the row labelled `from` onto `to`'s row, at `at` (0 = top edge, 1 = bottom edge), in
/// small steps as a hand would.
fn drag(h: &mut Harness<'_, App>, from: &str, to: &str, at: f32) {
    let from = h.get_by_role_and_label(Role::Button, from).rect().center();
    let to = h.get_by_role_and_label(Role::Button, to).rect();
    let target = egui::pos2(to.center().x, to.top() + to.height() * at);
    h.hover_at(from);
    h.drag_at(from);
    h.run_ok();
    for i in 1..=10 {
        h.hover_at(from + (target - from) * (i as f32 / 10.0));
        h.run_ok();
    }
    h.drop_at(target);
    h.run_ok();
}

#[test]
fn create_rename_nest_and_new_request_here() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    new_folder(&mut h);
    type_name(&mut h, "Folder name", "Home");
    assert_eq!(h.state().workspace().folders[0].name, "Home");

    // The folder's menu: a request inside it, then a folder inside it.
    right_click(&mut h, "Home");
    h.get_by_label("New request here").click();
    h.run();
    type_name(&mut h, "Request name", "Lights feed");
    right_click(&mut h, "Home");
    h.get_by_label("New folder").click();
    h.run();
    type_name(&mut h, "Folder name", "Garden");
    let ws = h.state().workspace();
    let home = folder_named(ws, "Home").id.clone();
    assert_eq!(
        folder_named(ws, "Garden").parent.as_deref(),
        Some(home.as_str())
    );
    assert_eq!(sidebar_names(&h), ["Home/Lights feed"]);
    // A request made in a folder uses the folder's auth.
    assert_eq!(h.state().workspace().requests[0].auth, Auth::Inherit);

    // Rename: F2 on the selected folder, or a double-click; an empty name is refused.
    h.get_by_role_and_label(Role::Button, "Home").click();
    h.run();
    h.key_press(egui::Key::F2);
    h.run();
    type_name(&mut h, "Folder name", "House");
    assert_eq!(sidebar_names(&h), ["House/Lights feed"]);
    let garden = h.get_by_role_and_label(Role::Button, "Garden");
    garden.click();
    garden.click();
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(has_label_containing(&h, "A folder needs a name"));
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.query_by_role_and_label(Role::Button, "Garden").is_some());

    // A request's menu offers a new folder beside it; it survives a restart.
    right_click(&mut h, "Lights feed");
    h.get_by_label("New folder").click();
    h.run();
    type_name(&mut h, "Folder name", "Sub");
    drop(h);
    let (_, ws, problems) = Store::open(dir.path()).unwrap();
    assert!(problems.is_empty());
    let house = folder_named(&ws, "House").id.clone();
    assert_eq!(
        folder_named(&ws, "Sub").parent.as_deref(),
        Some(house.as_str())
    );
    assert_eq!(ws.folders.len(), 3);
}

#[test]
fn drag_a_request_into_a_folder_and_a_folder_into_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = home_workspace("ws://127.0.0.1:1");
    let mut garden = Folder::new("Garden", None);
    garden.id = "garden".into();
    ws.folders.push(garden);
    save(dir.path(), &ws);
    let mut h = open(dir.path());

    drag(&mut h, "Top", "Garden", 0.5);
    assert_eq!(sidebar_names(&h), ["Home/Lights/Lights feed", "Garden/Top"]);
    // A folder onto the middle of another goes into it.
    drag(&mut h, "Garden", "Lights", 0.5);
    let ws = h.state().workspace();
    assert_eq!(
        ws.folder("garden").unwrap().parent.as_deref(),
        Some("lights")
    );
    assert_eq!(
        sidebar_names(&h),
        ["Home/Lights/Lights feed", "Home/Lights/Garden/Top"]
    );
    // Dropping a folder into its own subfolder does nothing.
    drag(&mut h, "Home", "Garden", 0.5);
    assert_eq!(h.state().workspace().folder("home").unwrap().parent, None);
    // A request above another request is placed before it, in that request's folder.
    drag(&mut h, "Top", "Lights feed", 0.1);
    let ws = h.state().workspace();
    let in_lights: Vec<&str> = ws
        .requests_in(Some("lights"))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(in_lights, ["Top", "Lights feed"]);
}

#[test]
fn collapse_is_remembered_and_search_shows_paths_with_folders_open() {
    let dir = tempfile::tempdir().unwrap();
    save(dir.path(), &home_workspace("ws://127.0.0.1:1"));
    {
        let mut h = open(dir.path());
        assert!(
            h.query_by_role_and_label(Role::Button, "Lights feed")
                .is_some()
        );
        h.get_by_label("Collapse Home").click();
        h.run();
        assert!(
            h.query_by_role_and_label(Role::Button, "Lights feed")
                .is_none()
        );
        assert!(h.query_by_role_and_label(Role::Button, "Lights").is_none());
        assert!(h.query_by_label("Expand Home").is_some());
    }
    let mut h = open(dir.path());
    assert!(
        h.query_by_label("Expand Home").is_some(),
        "collapsed after a restart"
    );
    assert!(
        h.query_by_role_and_label(Role::Button, "Lights feed")
            .is_none()
    );

    // A search finds the request under its folder path, folders opened for it.
    h.get_by_label("Filter requests").focus();
    h.get_by_label("Filter requests").type_text("feed");
    h.run();
    for shown in ["Home", "Lights", "Lights feed"] {
        assert!(
            h.query_by_role_and_label(Role::Button, shown).is_some(),
            "{shown}"
        );
    }
    assert!(h.query_by_role_and_label(Role::Button, "Top").is_none());
    // A folder's name finds what is in it.
    h.get_by_label("Filter requests")
        .set_text_value_accesskit("lights");
    h.run();
    assert!(
        h.query_by_role_and_label(Role::Button, "Lights feed")
            .is_some()
    );
    // Clearing the search shows the tree as it was.
    h.get_by_label("Filter requests")
        .set_text_value_accesskit("");
    h.run();
    assert!(
        h.query_by_role_and_label(Role::Button, "Lights feed")
            .is_none()
    );
}

#[test]
fn delete_a_folder_with_confirmation_and_undo_and_duplicate_it() {
    let dir = tempfile::tempdir().unwrap();
    save(dir.path(), &home_workspace("ws://127.0.0.1:1"));
    let mut h = open(dir.path());
    right_click(&mut h, "Home");
    h.get_by_label("Duplicate").click();
    h.run();
    assert_eq!(h.state().workspace().folders.len(), 4);
    assert!(sidebar_names(&h).contains(&"Home copy/Lights/Lights feed".to_owned()));

    right_click(&mut h, "Home copy");
    h.get_by_label("Delete").click();
    h.run();
    assert!(has_label_containing(
        &h,
        "Delete “Home copy” and the request in it?"
    ));
    assert_eq!(
        h.state().workspace().folders.len(),
        4,
        "nothing gone before the answer"
    );
    h.get_by_label("Confirm delete").click();
    h.run();
    assert_eq!(h.state().workspace().folders.len(), 2);
    assert_eq!(h.state().workspace().requests.len(), 2);
    assert!(has_label_containing(
        &h,
        "Deleted “Home copy” and 1 request."
    ));

    // The original, with Delete on the keyboard, and Undo brings everything back.
    let before = h.state().workspace().clone();
    h.get_by_role_and_label(Role::Button, "Home").click();
    h.run();
    h.key_press(egui::Key::Delete);
    h.run();
    h.get_by_label("Confirm delete").click();
    h.run();
    assert_eq!(sidebar_names(&h), ["Top"]);
    h.get_by_role_and_label(Role::Button, "Undo").click();
    h.run();
    let ws = h.state().workspace();
    assert_eq!(ws.folders, before.folders);
    assert_eq!(ws.requests, before.requests);

    // An empty folder goes at once (Undo still there).
    new_folder(&mut h);
    h.key_press(egui::Key::Enter);
    h.run();
    let n = h.state().workspace().folders.len();
    right_click(&mut h, "New folder");
    h.get_by_label("Delete").click();
    h.run();
    assert_eq!(h.state().workspace().folders.len(), n - 1);
    assert!(has_label_containing(&h, "Deleted “New folder”."));
}

#[test]
fn shortcuts_act_on_the_selected_folder() {
    let dir = tempfile::tempdir().unwrap();
    save(dir.path(), &home_workspace("ws://127.0.0.1:1"));
    let mut h = open(dir.path());
    h.get_by_role_and_label(Role::Button, "Lights").click();
    h.run();
    // Ctrl+N: a new request inside the selected folder.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run();
    type_name(&mut h, "Request name", "Porch");
    assert!(sidebar_names(&h).contains(&"Home/Lights/Porch".to_owned()));
    // Ctrl+D on a folder duplicates it with what it holds.
    h.get_by_role_and_label(Role::Button, "Lights").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::D);
    h.run();
    let ws = h.state().workspace();
    let copy = folder_named(ws, "Lights copy");
    assert_eq!(copy.parent.as_deref(), Some("home"));
    assert_eq!(ws.requests_under(&copy.id).len(), 2);
    assert_eq!(ws.selected_folder.as_deref(), Some(copy.id.as_str()));

    // F2 on a request inside collapsed folders opens them, to show the name being typed.
    let ws = h.state_mut().workspace_mut();
    ws.selected_folder = None;
    ws.selected_request = Some("feed".into());
    ws.collapsed_folders
        .extend(["home".to_owned(), "lights".to_owned()]);
    h.run();
    assert!(
        h.query_by_role_and_label(Role::Button, "Lights feed")
            .is_none()
    );
    h.key_press(egui::Key::F2);
    h.run();
    type_name(&mut h, "Request name", "Hall feed");
    assert!(sidebar_names(&h).contains(&"Home/Lights/Hall feed".to_owned()));
}

#[test]
fn arrow_keys_move_the_selection_and_left_right_collapse_and_expand() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = home_workspace("ws://127.0.0.1:1");
    ws.selected_request = None;
    save(dir.path(), &ws);
    let mut h = open(dir.path());
    h.get_by_role_and_label(Role::Button, "Home").click();
    h.run();
    let selected = |h: &Harness<'_, App>| {
        let ws = h.state().workspace();
        ws.selected_folder
            .clone()
            .unwrap_or_else(|| ws.selected_request.clone().unwrap_or_default())
    };
    h.key_press(egui::Key::ArrowDown);
    h.run();
    assert_eq!(selected(&h), "lights");
    h.key_press(egui::Key::ArrowDown);
    h.run();
    assert_eq!(selected(&h), "feed");
    // Left from a request goes to its folder; left again closes it; right opens it.
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    assert_eq!(selected(&h), "lights");
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    assert!(h.state().workspace().collapsed_folders.contains("lights"));
    assert!(
        h.query_by_role_and_label(Role::Button, "Lights feed")
            .is_none()
    );
    h.key_press(egui::Key::ArrowDown);
    h.run();
    assert_eq!(selected(&h), "top", "a closed folder's rows are skipped");
    h.key_press(egui::Key::ArrowUp);
    h.run();
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert!(!h.state().workspace().collapsed_folders.contains("lights"));
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(
        selected(&h),
        "feed",
        "right on an open folder goes to its first row"
    );
}

// ---------------------------------------------------------------- shared settings

#[test]
fn inherited_headers_and_auth_show_and_are_sent_on_connect() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut ws = home_workspace(&server.url());
    ws.selected_request = Some("feed".into());
    save(dir.path(), &ws);
    let mut h = open(dir.path());

    h.get_by_role_and_label(Role::Button, "Headers").click();
    h.run();
    assert!(has_label_containing(&h, "Inherited from folders"));
    assert!(h.query_by_label("X-Folder").is_some());
    assert!(has_label_containing(&h, "from “Home”"));
    assert!(has_label_containing(&h, "Bearer … (from folder “Home”)"));
    h.get_by_role_and_label(Role::Button, "Auth").click();
    h.run();
    assert!(has_label_containing(&h, "Uses Bearer from folder “Home”."));

    // The URL's <<path>> comes from the folder: the hover says so (after the tooltip delay).
    let url = h.get_by_label("URL").rect();
    h.hover_at(egui::pos2(url.right() - 4.0, url.center().y));
    let mut shown = false;
    for _ in 0..120 {
        h.step();
        if has_label_containing(&h, "path = lights · from folder “Home”") {
            shown = true;
            break;
        }
    }
    assert!(shown, "the hover names the folder");

    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    let seen = &server.requests()[0];
    assert_eq!(seen.uri, "/lights");
    assert_eq!(seen.header("x-folder"), Some("from-home"));
    assert_eq!(seen.header("authorization"), Some("Bearer t0k"));
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| !state_of(h).is_active());
}

#[test]
fn a_requests_own_header_wins_and_the_folder_page_edits_what_it_shares() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut ws = home_workspace(&server.url());
    ws.requests[0].headers = vec![KeyValue::new("x-folder", "mine")];
    ws.selected_request = Some("feed".into());
    save(dir.path(), &ws);
    let mut h = open(dir.path());

    // The folder's page: its variables table changes what the request resolves to.
    h.get_by_role_and_label(Role::Button, "Home").click();
    h.run();
    assert!(has_label_containing(&h, "Home · 1 request · 1 folder"));
    run_until(&mut h, "the folder in the title", |h| {
        h.state().window_title() == "Home — wsprobe"
    });
    // Its name: an empty one is refused, and the folder keeps its name meanwhile.
    h.get_by_label("Name of the folder")
        .set_text_value_accesskit("");
    h.run();
    assert!(has_label_containing(&h, "A folder needs a name"));
    assert_eq!(h.state().workspace().folder("home").unwrap().name, "Home");
    h.get_by_label("Name of the folder")
        .set_text_value_accesskit("Home");
    h.run();
    assert!(!has_label_containing(&h, "A folder needs a name"));
    h.get_by_role_and_label(Role::Button, "Variables").click();
    h.run();
    h.get_by_label("variable 1 value")
        .set_text_value_accesskit("other");
    h.run();
    assert_eq!(
        h.state().workspace().folder("home").unwrap().variables[0].value,
        "other"
    );

    h.get_by_role_and_label(Role::Button, "Lights feed").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Headers (1)").click();
    h.run();
    assert!(
        !has_label_containing(&h, "Inherited from folders"),
        "its own row wins"
    );
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    let seen = &server.requests()[0];
    assert_eq!(seen.uri, "/other");
    assert_eq!(seen.header("x-folder"), Some("mine"));
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| !state_of(h).is_active());

    // The request's own variable wins over the folder's; a secret one stays out of its file.
    h.get_by_role_and_label(Role::Button, "Variables").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "+ Add variable")
        .click();
    h.run();
    h.get_by_label("variable 1 name")
        .set_text_value_accesskit("path");
    h.get_by_label("variable 1 value")
        .set_text_value_accesskit("own-secret");
    h.run();
    h.get_by_label("variable 1 secret").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    assert_eq!(server.requests()[1].uri, "/own-secret");
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| !state_of(h).is_active());
    drop(h);
    assert!(!read(dir.path(), "requests/feed.json").contains("own-secret"));
    assert!(read(dir.path(), ".secrets.json").contains("own-secret"));
    let (_, back, _) = Store::open(dir.path()).unwrap();
    assert_eq!(
        back.request("feed").unwrap().variables[0].value,
        "own-secret"
    );
}
