//! Folders (issue 17) outside the window's tree: `wsprobe run` by folder path, Insomnia request
//! groups as folders, Export folder…, and re-imports (Skip / Replace / Keep both, issue 18.12),
//! in the window and with `wsprobe import --on-conflict`.

use crate::folders::{home_workspace, save};
use crate::support;

use std::path::Path;
use std::process::Command;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use support::gui::*;
use support::*;
use wsprobe::model::{Auth, KeyValue, SavedRequest, Variable, Workspace};
use wsprobe::store::Store;

// ---------------------------------------------------------------- the CLI

fn cli(args: &[&str], workspace: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wsprobe"))
        .args(args)
        .env("WSPROBE_WORKSPACE", workspace)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("wsprobe runs")
}

#[test]
fn cli_run_takes_a_folder_path_and_lists_paths_when_a_name_is_not_unique() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut ws = home_workspace(&server.url());
    ws.requests[0].draft.body = "hi".into();
    let mut other = SavedRequest::new("Lights feed", server.url());
    other.id = "other".into();
    ws.requests.push(other);
    save(dir.path(), &ws);

    // One echo of the draft, then exit 0 (at most 10 s).
    let run_once = |target: &str| {
        let out = cli(
            &["run", target, "--count", "1", "--duration", "10"],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{target}: {out:?}");
    };
    run_once("Home/Lights/Lights feed");
    let seen = &server.requests()[0];
    assert_eq!(seen.uri, "/lights", "the folder's variable");
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer t0k"),
        "the folder's auth"
    );
    assert_eq!(seen.header("x-folder"), Some("from-home"));

    let out = cli(&["run", "Lights feed", "--count", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("`Lights feed` names 2 saved requests")
            && stderr.contains("`Home/Lights/Lights feed`, `Lights feed`"),
        "{stderr}"
    );
    // A folder is not a request: the error lists what is in it.
    let out = cli(&["run", "Home", "--count", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`Home` is a folder") && stderr.contains("`Home/Lights/Lights feed`"),
        "{stderr}"
    );
    // The end of a path is enough when it is unique.
    run_once("lights/lights feed");
}

// ---------------------------------------------------------------- import and export

#[test]
fn insomnia_groups_become_nested_folders_with_their_settings() {
    let doc = serde_json::json!({
        "_type": "export", "__export_format": 4,
        "resources": [
            {"_id": "wrk_1", "_type": "workspace", "parentId": null, "name": "W"},
            {"_id": "fld_home", "_type": "request_group", "parentId": "wrk_1", "name": "Home",
             "headers": [{"name": "X-Home", "value": "{{ _.client }}"}],
             "authentication": {"type": "bearer", "token": "{{ _.token }}"},
             "environment": {"room": "hall"}},
            // Listed before its parent: nesting follows parentId, not the order.
            {"_id": "ws-req_feed", "_type": "websocket_request", "parentId": "fld_lights",
             "name": "Lights feed", "url": "ws://h/{{ _.room }}", "authentication": {}},
            {"_id": "fld_lights", "_type": "request_group", "parentId": "fld_home", "name": "Lights"},
        ]
    });
    let imported = wsprobe::import::parse(&doc.to_string()).unwrap();
    let mut ws = Workspace::default();
    let summary = imported.add_to(&mut ws, wsprobe::import::OnConflict::Skip);
    assert_eq!(
        summary.to_string(),
        "Imported 1 WebSocket request, 2 folders and 0 environments"
    );
    let feed = ws.request("ws-req_feed").unwrap();
    assert_eq!(ws.request_path(feed), "Home/Lights/Lights feed");
    assert_eq!(feed.auth, Auth::Inherit, "Insomnia's empty auth inherits");
    let home = ws.folder("fld_home").unwrap();
    assert_eq!(home.headers, vec![KeyValue::new("X-Home", "<<client>>")]);
    assert_eq!(
        home.auth,
        Auth::Bearer {
            token: "<<token>>".into()
        }
    );
    assert_eq!(home.variables, vec![Variable::new("room", "hall")]);
    assert_eq!(ws.folder("fld_lights").unwrap().auth, Auth::Inherit);
    let effective = ws.effective_request(feed);
    assert_eq!(
        effective.auth,
        Auth::Bearer {
            token: "<<token>>".into()
        }
    );
}

#[test]
fn export_folder_from_the_app_writes_that_folder() {
    let dir = tempfile::tempdir().unwrap();
    save(dir.path(), &home_workspace("ws://127.0.0.1:1"));
    let mut h = open(dir.path());
    let out = dir.path().join("home.json");
    h.state_mut()
        .export_to(&out, wsprobe::ui::app::ExportScope::Folder("home".into()))
        .unwrap();
    h.run();
    assert!(has_label_containing(&h, "Exported 1 request to"));
    let back = wsprobe::import::read_file(&out).unwrap();
    let folders: Vec<&str> = back.folders.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(folders, ["Home", "Lights"]);
    assert_eq!(back.requests.len(), 1);

    // "Export selected requests" with a folder selected exports that folder.
    h.get_by_role_and_label(Role::Button, "Lights").click();
    h.run();
    h.state_mut()
        .export_to(&out, wsprobe::ui::app::ExportScope::Selection)
        .unwrap();
    let back = wsprobe::import::read_file(&out).unwrap();
    assert_eq!(back.folders.len(), 1);
    assert_eq!(back.folders[0].name, "Lights");
    assert_eq!(back.folders[0].parent, None);
}

#[test]
fn export_folder_and_import_keep_the_folders() {
    let dir = tempfile::tempdir().unwrap();
    let ws = home_workspace("ws://127.0.0.1:1");
    let file = dir.path().join("lights.json");
    wsprobe::import::export_folder(&ws, "lights")
        .write(&file)
        .unwrap();
    let mut other = Workspace::default();
    let summary = wsprobe::import::read_file(&file)
        .unwrap()
        .add_to(&mut other, wsprobe::import::OnConflict::Skip);
    assert_eq!(summary.folders, 1);
    assert_eq!(
        other.folders[0].parent, None,
        "the exported folder comes in at the top level"
    );
    let feed = other.request("feed").unwrap();
    assert_eq!(other.request_path(feed), "Lights/Lights feed");
    assert!(other.request("top").is_none());
}

#[test]
fn a_re_import_in_the_window_asks_skip_replace_or_keep_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insomnia_v4.json");
    assert!(h.state_mut().import_file(&fixture).unwrap().is_some());
    h.run();
    assert_eq!(h.state().workspace().requests.len(), 4);

    // Again: nothing is added before the user answers.
    assert!(h.state_mut().import_file(&fixture).unwrap().is_none());
    h.run();
    assert!(has_label_containing(
        &h,
        "insomnia_v4.json holds 4 requests, 1 folder and 2 environments already in this workspace"
    ));
    assert_eq!(h.state().workspace().requests.len(), 4);
    h.get_by_role_and_label(Role::Button, "Skip").click();
    h.run();
    assert!(!h.state().import_pending());
    assert_eq!(h.state().workspace().requests.len(), 4);
    assert!(has_label_containing(
        &h,
        "already here: left as they were (skipped)"
    ));

    assert!(h.state_mut().import_file(&fixture).unwrap().is_none());
    h.run();
    h.get_by_role_and_label(Role::Button, "Keep both").click();
    h.run();
    assert_eq!(h.state().workspace().requests.len(), 8);
    assert_eq!(h.state().workspace().folders.len(), 2);

    assert!(h.state_mut().import_file(&fixture).unwrap().is_none());
    h.run();
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    assert_eq!(h.state().workspace().requests.len(), 8);
    assert!(has_label_containing(&h, "Import cancelled"));
}

#[test]
fn cli_import_on_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let ws_dir = dir.path().join("ws");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insomnia_v5.yaml");
    let file = file.to_str().unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec!["import", file];
        args.extend_from_slice(extra);
        let out = cli(&args, &ws_dir);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    import(&[]);
    let count = || Store::load_read_only(&ws_dir).unwrap().0.requests.len();
    assert_eq!(count(), 4);
    let again = import(&[]);
    assert!(
        again.contains(
            "4 requests, 1 folder and 2 environments were already here: left as they were (skipped)"
        ),
        "{again}"
    );
    assert_eq!(count(), 4, "skip is the default");
    let replaced = import(&["--on-conflict", "replace"]);
    assert!(replaced.trim_end().ends_with("replaced"), "{replaced}");
    assert_eq!(count(), 4);
    import(&["--on-conflict", "keep"]);
    assert_eq!(count(), 8);
    let out = cli(&["import", file, "--on-conflict", "merge"], &ws_dir);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn insomnia_order_among_siblings_is_its_sort_key() {
    let doc = serde_json::json!({
        "_type": "export", "__export_format": 4,
        "resources": [
            {"_id": "fld_b", "_type": "request_group", "parentId": "wrk", "name": "B", "metaSortKey": -1},
            {"_id": "fld_a", "_type": "request_group", "parentId": "wrk", "name": "A", "metaSortKey": -2},
            {"_id": "ws-2", "_type": "websocket_request", "parentId": "fld_a", "name": "second",
             "url": "ws://h/2", "metaSortKey": 20},
            {"_id": "ws-1", "_type": "websocket_request", "parentId": "fld_a", "name": "first",
             "url": "ws://h/1", "metaSortKey": 10},
        ]
    });
    let mut ws = Workspace::default();
    wsprobe::import::parse(&doc.to_string())
        .unwrap()
        .add_to(&mut ws, wsprobe::import::OnConflict::Skip);
    let folders: Vec<&str> = ws.child_folders(None).map(|f| f.name.as_str()).collect();
    assert_eq!(folders, ["A", "B"]);
    let requests: Vec<&str> = ws
        .requests_in(Some("fld_a"))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(requests, ["first", "second"]);
}
