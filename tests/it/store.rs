//! The workspace folder on disk: round trips, atomic writes, corrupt files, odd folders.

use std::fs;
use std::path::Path;

use wsprobe::model::{
    Auth, ConnectionSettings, Environment, HeartbeatSettings, KeyValue, MessageDraft,
    MessageFormat, OAuth1, SavedMessage, SavedRequest, SignatureMethod, Variable, Workspace,
};
use wsprobe::store::{self, Store, StoreError};

fn full_request() -> SavedRequest {
    SavedRequest {
        id: "req1".into(),
        name: "deCONZ events".into(),
        kind: wsprobe::model::RequestKind::SocketIo,
        socketio: wsprobe::model::SocketIoSettings {
            version: wsprobe::model::EngineIoVersion::V3,
            path: "/io/".into(),
            namespace: "/admin".into(),
            auth: "{\"token\": \"<<token>>\"}".into(),
            ack_timeout_ms: 750,
        },
        folder: None,
        variables: vec![wsprobe::model::Variable::new("room", "hall")],
        url: "ws://<<host>>:443/events".into(),
        params: vec![
            KeyValue::new("token", "<<token>>"),
            KeyValue {
                key: "debug".into(),
                value: "1".into(),
                enabled: false,
            },
        ],
        headers: vec![KeyValue::new("X-Client", "wsprobe")],
        auth: Auth::OAuth1(OAuth1 {
            consumer_key: "ck".into(),
            consumer_secret: "cs".into(),
            access_token: "at".into(),
            token_secret: "ts".into(),
            signature_method: SignatureMethod::Plaintext,
            realm: "r".into(),
        }),
        settings: ConnectionSettings {
            reconnect_attempts: 3,
            reconnect_interval_ms: 250,
            follow_redirects: false,
            max_redirects: 2,
            handshake_timeout_ms: 1234,
            max_message_size_bytes: 0,
            subprotocols: vec!["v1.json".into(), "v2".into()],
            strict_subprotocol: true,
            open_message: "{\"op\":\"hello\"}".into(),
            open_message_format: MessageFormat::Json,
            accept_invalid_certs: true,
            ca_cert_path: Some("/etc/ssl/my-ca.pem".into()),
            client_certificate: wsprobe::model::ClientCertificate {
                source: wsprobe::model::ClientCertSource::Pem,
                cert_path: "/etc/ssl/device.crt".into(),
                key_path: "/etc/ssl/device.key".into(),
                ..Default::default()
            },
            max_log_events: 5000,
            max_log_mib: 64,
            script_time_limit_ms: 500,
            script_memory_limit_mib: 32,
            ping_interval_ms: 30_000,
            pong_timeout_ms: 2_500,
            auto_pong: false,
            show_ping_pong: false,
            compression: wsprobe::model::Compression {
                enabled: false,
                server_no_context_takeover: true,
                client_max_window_bits: Some(10),
                ..Default::default()
            },
            proxy: wsprobe::model::ProxyChoice::Custom {
                url: "socks5h://u:<<proxy_pass>>@127.0.0.1:1080".into(),
            },
            unknown: Default::default(),
        },
        draft: MessageDraft {
            format: MessageFormat::Hex,
            body: "de ad".into(),
            event: "chat.message".into(),
            expect_ack: true,
        },
        saved_messages: vec![SavedMessage {
            name: "subscribe".into(),
            format: MessageFormat::Json,
            body: "{\"sub\": \"{{ not a var }}\"}".into(),
            event: "subscribe".into(),
            expect_ack: false,
        }],
        script: "ws.on(\"open\", () => ws.send(\"hi\"));\n// line two\n".into(),
        heartbeat: HeartbeatSettings {
            interval_ms: 250,
            message: Some("subscribe".into()),
        },
        unknown: Default::default(),
    }
}

fn full_workspace() -> Workspace {
    let mut globals = Environment::globals().with_var("host", "gw.local");
    globals.variables.push(Variable {
        name: "token".into(),
        value: "s3cret".into(),
        secret: true,
    });
    let dev = Environment {
        id: "dev".into(),
        ..Environment::new("Dev").with_var("host", "127.0.0.1")
    };
    let prod = Environment {
        id: "prod".into(),
        ..Environment::new("Prod")
    };
    Workspace {
        requests: vec![
            full_request(),
            SavedRequest {
                id: "req2".into(),
                ..SavedRequest::new("Echo", "ws://127.0.0.1:9000")
            },
        ],
        environments: vec![prod, dev],
        globals,
        proxy: "http://proxy.internal:3128".into(),
        active_environment: Some("dev".into()),
        selected_request: Some("req2".into()),
        ..Workspace::default()
    }
}

#[test]
fn round_trip_keeps_every_field_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, empty, problems) = Store::open(dir.path()).unwrap();
    assert_eq!(empty, Workspace::default());
    assert!(problems.is_empty());
    let ws = full_workspace();
    store.save(&ws).unwrap();

    let (_, loaded, problems) = Store::open(dir.path()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(loaded, ws);
    assert!(dir.path().join("workspace.json").is_file());
    assert!(dir.path().join("requests/req1.json").is_file());
    assert!(dir.path().join("environments/globals.json").is_file());
    assert!(dir.path().join("environments/dev.json").is_file());
}

#[test]
fn files_are_pretty_and_one_edit_is_a_one_line_diff() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, _) = Store::open(dir.path()).unwrap();
    let mut ws = full_workspace();
    store.save(&ws).unwrap();
    let path = dir.path().join("requests/req1.json");
    let before = fs::read_to_string(&path).unwrap();
    assert!(before.ends_with("}\n"));
    assert!(
        before.contains("\n  \"name\": \"deCONZ events\",\n"),
        "{before}"
    );
    assert!(before.contains("\"signature_method\": \"PLAINTEXT\""));

    ws.requests[0].name = "deCONZ".into();
    store.save(&ws).unwrap();
    let after = fs::read_to_string(&path).unwrap();
    let changed: Vec<_> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 1, "{changed:?}");
    // Saving again with nothing changed touches nothing.
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    store.save(&ws).unwrap();
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), mtime);
}

#[test]
fn deleting_a_request_removes_its_file_and_keeps_order() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, _) = Store::open(dir.path()).unwrap();
    let mut ws = full_workspace();
    ws.requests.push(SavedRequest {
        id: "req3".into(),
        ..SavedRequest::new("Third", "ws://h")
    });
    store.save(&ws).unwrap();
    ws.requests.remove(0);
    ws.requests.reverse();
    store.save(&ws).unwrap();
    assert!(!dir.path().join("requests/req1.json").exists());
    let (_, loaded, _) = Store::open(dir.path()).unwrap();
    let names: Vec<_> = loaded.requests.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Third", "Echo"]);
}

#[test]
fn a_crash_between_temp_write_and_rename_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, _) = Store::open(dir.path()).unwrap();
    let ws = full_workspace();
    store.save(&ws).unwrap();
    let path = dir.path().join("requests/req1.json");
    let old = fs::read_to_string(&path).unwrap();

    // The first half of an atomic write, then "the process dies": no rename happens.
    let temp = store::write_temp(&path, b"{\"name\": \"half-writ").unwrap();
    assert!(temp.exists());
    assert_eq!(fs::read_to_string(&path).unwrap(), old);

    // The next start loads the old content and ignores the leftover temp file.
    let (_, loaded, problems) = Store::open(dir.path()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(loaded, ws);

    // And a completed write replaces the file whole.
    store::atomic_write(&path, b"{}\n").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "{}\n");
}

#[test]
fn a_corrupt_file_is_reported_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, _) = Store::open(dir.path()).unwrap();
    let ws = full_workspace();
    store.save(&ws).unwrap();
    let bad = dir.path().join("requests/req1.json");
    fs::write(&bad, "{ \"name\": \"broken\", ").unwrap();

    let (mut store, loaded, problems) = Store::open(dir.path()).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, bad);
    assert!(problems[0].message.contains("line 1"), "{}", problems[0]);
    // Everything else loaded.
    assert_eq!(loaded.requests.len(), 1);
    assert_eq!(loaded.requests[0].name, "Echo");
    assert_eq!(loaded.environments.len(), 2);
    assert_eq!(loaded.globals.variables.len(), 2);

    // Saving (even with a request of the same id) leaves the bad file for the user to fix.
    let mut edited = loaded.clone();
    edited.requests.push(SavedRequest {
        id: "req1".into(),
        ..SavedRequest::new("New", "ws://x")
    });
    store.save(&edited).unwrap();
    assert_eq!(
        fs::read_to_string(&bad).unwrap(),
        "{ \"name\": \"broken\", "
    );
    assert!(store.protected_files().any(|p| p == bad));
}

#[test]
fn files_added_by_hand_are_loaded_after_the_listed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, _) = Store::open(dir.path()).unwrap();
    store.save(&full_workspace()).unwrap();
    let extra = SavedRequest {
        id: "zz".into(),
        ..SavedRequest::new("From git", "ws://h")
    };
    fs::write(
        dir.path().join("requests/zz.json"),
        store::to_pretty_json(&extra),
    )
    .unwrap();
    // A file whose id disagrees with its name takes the name's id.
    let copied = SavedRequest {
        id: "req2".into(),
        ..SavedRequest::new("Copied", "ws://h")
    };
    fs::write(
        dir.path().join("requests/copy.json"),
        store::to_pretty_json(&copied),
    )
    .unwrap();
    let (_, loaded, problems) = Store::open(dir.path()).unwrap();
    assert!(problems.is_empty());
    let ids: Vec<_> = loaded.requests.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["req1", "req2", "copy", "zz"]);
}

#[test]
fn a_missing_folder_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("a/b/workspace");
    let (mut store, ws, _) = Store::open(&root).unwrap();
    store.save(&ws).unwrap();
    assert!(root.join("workspace.json").is_file());
    assert!(root.join("requests").is_dir());
}

#[test]
fn unusable_folders_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    fs::write(&file, "x").unwrap();
    let err = Store::open(&file).unwrap_err();
    assert!(matches!(err, StoreError::NotAFolder { .. }), "{err}");
    assert!(err.to_string().contains("is not a folder"));

    let under_file = file.join("ws");
    let err = Store::open(&under_file).unwrap_err();
    assert!(matches!(err, StoreError::Create { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("cannot create the workspace folder"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ro");
    fs::create_dir_all(root.join("requests")).unwrap();
    fs::create_dir_all(root.join("environments")).unwrap();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o555)).unwrap();
    let writable_anyway = fs::write(root.join("probe"), b"").is_ok();
    let result = Store::open(&root);
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
    if writable_anyway {
        // Root ignores permission bits; then the folder really is writable and opening is right.
        assert!(result.is_ok());
    } else {
        let err = result.unwrap_err();
        assert!(matches!(err, StoreError::NotWritable { .. }), "{err}");
        assert!(err.to_string().contains("not writable"));
    }
}

#[test]
fn a_newer_format_is_reported_and_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("workspace.json"),
        "{\"format_version\": 99}\n",
    )
    .unwrap();
    // The rest of the workspace still opens; the newer manifest is named and left alone.
    let (mut store, mut workspace, problems) = Store::open(dir.path()).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].path.ends_with("workspace.json"));
    assert!(
        problems[0].message.contains("newer wsprobe (format 99"),
        "{problems:?}"
    );
    workspace.requests.push(SavedRequest::new("r", "ws://h/"));
    store.save(&workspace).unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("workspace.json")).unwrap(),
        "{\"format_version\": 99}\n"
    );
    assert_eq!(
        fs::read_dir(dir.path().join("requests")).unwrap().count(),
        1
    );
}

#[test]
fn default_dir_honours_explicit_choice() {
    let explicit = Path::new("/tmp/some/where").to_path_buf();
    assert_eq!(
        store::workspace_dir(Some(explicit.clone())).unwrap(),
        explicit
    );
    let default = store::workspace_dir(None).unwrap();
    assert!(
        default.to_string_lossy().contains("wsprobe"),
        "{}",
        default.display()
    );
}

#[test]
fn fields_from_a_newer_version_survive_an_edit_and_save() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (mut store, _, _) = Store::open(root).unwrap();
    store.save(&full_workspace()).unwrap();
    // A newer wsprobe (or a hand edit) adds fields this version does not know.
    let add = |path: std::path::PathBuf, edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        edit(&mut v);
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    };
    add(root.join("requests/req1.json"), &|v| {
        v["color"] = "teal".into();
        v["settings"]["transport"] = serde_json::json!({"http2": true});
    });
    add(root.join("environments/dev.json"), &|v| {
        v["icon"] = "🧪".into()
    });
    add(root.join("workspace.json"), &|v| {
        v["tags"] = serde_json::json!([["a", "req1"]])
    });

    // This version opens it, the user edits the request, and it is saved again.
    let (mut store, mut ws, problems) = Store::open(root).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let req = ws.requests.iter_mut().find(|r| r.id == "req1").unwrap();
    req.name = "renamed".into();
    store.save(&ws).unwrap();

    let read = |path: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(path)).unwrap()).unwrap()
    };
    let req = read("requests/req1.json");
    assert_eq!(req["name"], "renamed");
    assert_eq!(req["color"], "teal");
    assert_eq!(req["settings"]["transport"]["http2"], true);
    assert_eq!(req["settings"]["max_log_events"], 5000);
    assert_eq!(read("environments/dev.json")["icon"], "🧪");
    assert_eq!(read("workspace.json")["tags"][0][1], "req1");
}
