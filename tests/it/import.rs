//! Importing Insomnia v4 (JSON, YAML) and v5 (YAML) exports, wsprobe's own export round trip,
//! and `wsprobe import` on the command line. Fixtures are written by hand from the formats.

use std::path::{Path, PathBuf};
use std::process::Command;

use wsprobe::format::error_chain;
use wsprobe::import::{self, OnConflict, export_requests, export_workspace};
use wsprobe::model::{Auth, KeyValue, MessageFormat, SavedRequest, Workspace};
use wsprobe::store::Store;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn by_name<'a>(ws: &'a Workspace, name: &str) -> &'a SavedRequest {
    ws.request_by_name(name)
        .unwrap_or_else(|| panic!("no request {name:?}"))
}

fn off(key: &str, value: &str) -> KeyValue {
    KeyValue {
        enabled: false,
        ..KeyValue::new(key, value)
    }
}

/// What every Insomnia fixture holds (the v5 file has no message payload, as Insomnia's v5
/// exporter writes none, and skips more kinds of request).
fn check_insomnia(file: &str, skipped: &str, with_payload: bool) {
    let imported = import::read_file(&fixture(file)).expect("fixture imports");
    let mut ws = Workspace::default();
    let summary = imported.add_to(&mut ws, OnConflict::Skip);
    assert_eq!(
        summary.to_string(),
        format!(
            "Imported 4 WebSocket requests, 1 folder and 2 environments (2 variables added to \
             Globals); skipped {skipped}"
        )
    );

    // The request group is a folder now, not a name prefix.
    let feed = by_name(&ws, "Feeds/Market feed");
    assert_eq!(feed.name, "Market feed");
    assert_eq!(ws.request_path(feed), "Feeds/Market feed");
    assert_eq!(
        feed.id, "ws-req_1",
        "Insomnia's id, to recognise a re-import"
    );
    assert_eq!(feed.url, "wss://<<host>>/feed?v=1&symbol=ACME");
    assert_eq!(
        feed.params,
        vec![
            KeyValue::new("v", "1"),
            KeyValue::new("symbol", "ACME"),
            off("depth", "5")
        ]
    );
    assert_eq!(
        feed.headers,
        vec![KeyValue::new("X-Client", "<<client>>"), off("X-Debug", "1")]
    );
    assert_eq!(
        feed.auth,
        Auth::Bearer {
            token: "<<token>>".into()
        }
    );
    assert!(!feed.settings.follow_redirects);
    if with_payload {
        assert_eq!(feed.draft.format, MessageFormat::Json);
        assert_eq!(feed.draft.body, r#"{"op":"subscribe","ch":"<<channel>>"}"#);
    }

    let basic = by_name(&ws, "Basic login");
    assert_eq!(
        basic.auth,
        Auth::Basic {
            username: "ann".into(),
            password: "<<password>>".into()
        }
    );
    assert!(basic.settings.follow_redirects, "global keeps the default");

    let header_key = by_name(&ws, "Key in header");
    assert_eq!(header_key.auth, Auth::None);
    assert_eq!(header_key.headers, vec![KeyValue::new("X-API-Key", "k123")]);
    assert!(header_key.settings.follow_redirects);

    let query_key = by_name(&ws, "Key in query");
    assert_eq!(query_key.url, "ws://localhost:9000/q?api_key=q456");
    assert_eq!(query_key.params, vec![KeyValue::new("api_key", "q456")]);

    assert!(ws.request_by_name("List symbols").is_none());
    assert!(ws.request_by_name("Upload").is_none());

    assert_eq!(ws.globals.get("host").unwrap().value, "example.com");
    assert_eq!(ws.globals.get("client").unwrap().value, "wsprobe");
    let dev = ws.environment_by_name("Dev").expect("Dev");
    assert_eq!(dev.get("token").unwrap().value, "dev-token");
    assert_eq!(dev.get("channel").unwrap().value, "trades");
    let prod = ws.environment_by_name("Prod").expect("Prod");
    assert_eq!(prod.get("token").unwrap().value, "<<secret>>");
    assert_eq!(prod.get("retries").unwrap().value, "3");
}

#[test]
fn insomnia_v4_json() {
    check_insomnia("insomnia_v4.json", "1 HTTP request", true);
}

#[test]
fn insomnia_v4_yaml() {
    check_insomnia("insomnia_v4.yaml", "1 HTTP request", true);
}

#[test]
fn insomnia_v5_yaml() {
    check_insomnia(
        "insomnia_v5.yaml",
        "2 HTTP requests, 1 Socket.IO request and 1 gRPC request",
        false,
    );
}

#[test]
fn a_second_import_is_recognised_and_skipped_replaced_or_kept() {
    let mut ws = Workspace::default();
    ws.requests
        .push(SavedRequest::new("Market feed", "ws://mine"));
    ws.globals = ws.globals.clone().with_var("host", "mine.example");
    let file = fixture("insomnia_v4.json");
    let first = import::read_file(&file)
        .unwrap()
        .add_to(&mut ws, OnConflict::Skip);
    assert_eq!(first.conflicts.total(), 0);
    assert_eq!(ws.requests.len(), 1 + 4);
    assert_eq!(ws.globals.get("host").unwrap().value, "mine.example");

    // The default: what is already here stays, nothing is doubled.
    ws.request_mut("ws-req_2").unwrap().url = "ws://edited".into();
    let again = import::read_file(&file).unwrap();
    assert_eq!(again.conflicts(&ws).total(), 4 + 1 + 2);
    let skipped = again.add_to(&mut ws, OnConflict::Skip);
    assert_eq!(
        skipped.to_string(),
        "Imported 0 WebSocket requests and 0 environments; skipped 1 HTTP request; \
         4 requests, 1 folder and 2 environments were already here: left as they were (skipped)"
    );
    assert_eq!(
        (ws.requests.len(), ws.folders.len(), ws.environments.len()),
        (5, 1, 2)
    );
    assert_eq!(ws.request("ws-req_2").unwrap().url, "ws://edited");

    // Replace: the file's version, in the same place.
    let replaced = import::read_file(&file)
        .unwrap()
        .add_to(&mut ws, OnConflict::Replace);
    assert!(
        replaced
            .to_string()
            .ends_with("were already here: replaced"),
        "{replaced}"
    );
    assert_eq!(
        (ws.requests.len(), ws.folders.len(), ws.environments.len()),
        (5, 1, 2)
    );
    assert_eq!(
        ws.request("ws-req_2").unwrap().url,
        "ws://localhost:9000/ws"
    );
    assert_eq!(
        ws.requests[0].url, "ws://mine",
        "not from the file: untouched"
    );
    assert_eq!(ws.globals.get("host").unwrap().value, "example.com");

    // Keep both: copies with new ids, the copied folder holding the copied request.
    import::read_file(&file)
        .unwrap()
        .add_to(&mut ws, OnConflict::Keep);
    assert_eq!(
        (ws.requests.len(), ws.folders.len(), ws.environments.len()),
        (9, 2, 4)
    );
    let mut ids: Vec<_> = ws.requests.iter().map(|r| r.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 9, "every request has its own id");
    let copy = ws
        .requests
        .iter()
        .rfind(|r| r.name == "Market feed")
        .unwrap();
    let folder = ws.folder_of(copy).unwrap();
    assert_ne!(folder, "fld_1");
    assert_eq!(ws.folder(folder).unwrap().name, "Feeds");
}

#[test]
fn invalid_files_give_clear_errors() {
    let err = import::read_file(&fixture("broken.json")).unwrap_err();
    assert!(err.to_string().starts_with("invalid JSON"), "{err}");
    let err = import::read_file(&fixture("broken.yaml")).unwrap_err();
    assert!(err.to_string().contains("YAML"), "{err}");
    let err = import::read_file(&fixture("missing.json")).unwrap_err();
    assert!(error_chain(&err).contains("No such file"), "{err}");
    let err = import::parse(r#"{"name": "a Postman collection?"}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not an Insomnia v4/v5 export or a wsprobe export"
    );
    let err = import::parse(r#"{"_type": "export", "__export_format": 3}"#).unwrap_err();
    assert!(err.to_string().contains("format 3"), "{err}");
}

#[test]
fn own_export_round_trip_is_exact() {
    let mut ws = Workspace::default();
    import::read_file(&fixture("insomnia_v4.json"))
        .unwrap()
        .add_to(&mut ws, OnConflict::Skip);
    let first = &mut ws.requests[0];
    first.saved_messages.push(wsprobe::model::SavedMessage {
        name: "bin".into(),
        format: MessageFormat::Hex,
        body: "de ad be ef".into(),
        ..Default::default()
    });
    first.settings.subprotocols = vec!["v2.json".into()];
    // A script travels with the request.
    first.script = "ws.on(\"open\", () => ws.send(\"hi\"));\n// two lines\n".into();
    first.auth = Auth::OAuth1(wsprobe::model::OAuth1 {
        consumer_key: "ck".into(),
        ..Default::default()
    });

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("all.json");
    export_workspace(&ws).write(&file).unwrap();
    let mut back = Workspace::default();
    let summary = import::read_file(&file)
        .unwrap()
        .add_to(&mut back, OnConflict::Skip);
    assert_eq!(
        summary.to_string(),
        "Imported 4 WebSocket requests, 1 folder and 2 environments (2 variables added to \
         Globals)"
    );
    assert_eq!(back.folders, ws.folders);
    assert_eq!(back.requests, ws.requests);
    assert_eq!(back.environments, ws.environments);
    assert_eq!(back.globals, ws.globals);

    // A selection: just those requests, in sidebar order.
    let ids = vec![ws.requests[2].id.clone(), ws.requests[0].id.clone()];
    let file = dir.path().join("two.json");
    export_requests(&ws, &ids).write(&file).unwrap();
    let mut back = Workspace::default();
    import::read_file(&file)
        .unwrap()
        .add_to(&mut back, OnConflict::Skip);
    assert_eq!(
        back.requests,
        vec![ws.requests[0].clone(), ws.requests[2].clone()]
    );
    assert!(back.environments.is_empty());

    // Importing into the workspace it came from, keeping both, adds copies with fresh ids.
    let before = ws.requests.len();
    import::read_file(&file)
        .unwrap()
        .add_to(&mut ws, OnConflict::Keep);
    assert_eq!(ws.requests.len(), before + 2);
    assert_ne!(ws.requests[before].id, ws.requests[0].id);
    assert_eq!(ws.requests[before].name, ws.requests[0].name);
}

fn wsprobe(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wsprobe"))
        .args(args)
        .env_remove("WSPROBE_WORKSPACE")
        .output()
        .expect("wsprobe runs")
}

#[test]
fn cli_import() {
    let dir = tempfile::tempdir().unwrap();
    let ws_dir = dir.path().join("ws");
    let ws = ws_dir.to_str().unwrap();
    let file = fixture("insomnia_v5.yaml");
    let out = wsprobe(&["import", file.to_str().unwrap(), "--workspace", ws]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Imported 4 WebSocket requests, 1 folder and 2 environments (2 variables added to \
         Globals); skipped 2 HTTP requests, 1 Socket.IO request and 1 gRPC request\n"
    );
    let (saved, problems) = Store::load_read_only(&ws_dir).unwrap();
    assert!(problems.is_empty());
    assert_eq!(saved.requests.len(), 4);
    assert_eq!(saved.environments.len(), 2);

    for bad in ["broken.json", "broken.yaml", "missing.json"] {
        let path = fixture(bad);
        let out = wsprobe(&["import", path.to_str().unwrap(), "--workspace", ws]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{bad}: {stderr}");
        assert!(stderr.starts_with("wsprobe: cannot import "), "{stderr}");
    }
    let (saved, _) = Store::load_read_only(&ws_dir).unwrap();
    assert_eq!(saved.requests.len(), 4, "a failed import changes nothing");
}
