//! Issue 18's trust items: auth secrets out of git, the window's own file dialog, secrets
//! masked in the events.

use super::*;

#[test]
fn auth_secrets_never_reach_a_git_tracked_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut h = open(root);
    add_request(&mut h);
    set_url(&mut h, "ws://127.0.0.1:1/");
    choose_auth(&mut h, "Basic");
    h.get_by_label("Username").set_text_value_accesskit("ann");
    h.get_by_label("Password")
        .set_text_value_accesskit("pa55-basic");
    h.run();
    add_request(&mut h);
    choose_auth(&mut h, "Bearer");
    h.get_by_label("Token")
        .set_text_value_accesskit("tok-bearer-1");
    h.run();
    add_request(&mut h);
    choose_auth(&mut h, "OAuth 1.0");
    h.get_by_label("Consumer secret")
        .set_text_value_accesskit("cs-oauth-1");
    h.get_by_label("Token secret")
        .set_text_value_accesskit("ts-oauth-1");
    h.get_by_label("Access token")
        .set_text_value_accesskit("<<access>>");
    h.run();
    h.state_mut().save_now();
    let before = h.state().workspace().clone();

    let files = git_tracked_files(root);
    assert!(
        files
            .iter()
            .any(|(p, _)| p.to_string_lossy().contains("requests"))
    );
    for (path, text) in &files {
        for secret in ["pa55-basic", "tok-bearer-1", "cs-oauth-1", "ts-oauth-1"] {
            assert!(!text.contains(secret), "{secret} is in {}", path.display());
        }
    }
    // The username and a variable reference are no secrets: they stay in the request file.
    assert!(files.iter().any(|(_, t)| t.contains("\"ann\"")));
    assert!(files.iter().any(|(_, t)| t.contains("<<access>>")));
    let secrets = std::fs::read_to_string(root.join(".secrets.json")).unwrap();
    assert!(secrets.contains("tok-bearer-1") && secrets.contains("pa55-basic"));

    // Reopened, the requests have their credentials back.
    drop(h);
    let h = open(root);
    assert_eq!(h.state().workspace().requests, before.requests);
}

#[test]
fn an_auth_secret_in_an_old_request_file_moves_out_on_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut h = open(root);
    add_request(&mut h);
    h.state_mut().save_now();
    drop(h);
    // As an older wsprobe wrote it: the token in the request file.
    let requests = root.join("requests");
    let file = std::fs::read_dir(&requests)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    json["auth"] = serde_json::json!({"type": "Bearer", "token": "old-tok-9"});
    std::fs::write(&file, serde_json::to_string_pretty(&json).unwrap()).unwrap();

    let mut h = open(root);
    let token = match &h.state().workspace().requests[0].auth {
        wsprobe::model::Auth::Bearer { token } => token.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(token, "old-tok-9", "loaded from the old file");
    h.state_mut().workspace_mut().requests[0].name = "Renamed".into();
    h.run();
    h.state_mut().save_now();
    assert!(
        !std::fs::read_to_string(&file)
            .unwrap()
            .contains("old-tok-9")
    );
    assert!(
        std::fs::read_to_string(root.join(".secrets.json"))
            .unwrap()
            .contains("old-tok-9")
    );
}

#[test]
fn the_window_has_its_own_file_dialog_when_the_desktop_has_none() {
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    wsprobe::ui::path_prompt::set_builtin(&h.ctx, true);
    add_request(&mut h);

    // Import… : Open, an existing file.
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insomnia_v4.yaml");
    click_menu(&mut h, "File", "Import…");
    // A path that is not there is refused in the dialog, which stays open.
    answer_dialog(&mut h, "Open", &dir.path().join("missing.yaml"));
    assert!(has_label_containing(&h, "No file"));
    answer_dialog(&mut h, "Open", &fixture);
    step_until(&mut h, "the import", |h| {
        h.state().workspace().requests.len() == 5 && h.state().busy().is_none()
    });
    assert!(h.query_by_label("File path").is_none(), "the dialog closed");

    // Export workspace… : Save, a new file.
    let out = dir.path().join("all.json");
    click_menu(&mut h, "File", "Export workspace…");
    answer_dialog(&mut h, "Save", &out);
    step_until(&mut h, "the export", |h| {
        out.exists() && h.state().busy().is_none()
    });
    assert_eq!(wsprobe::import::read_file(&out).unwrap().requests.len(), 5);

    // Settings → CA file Browse…
    let first = h.state().workspace().requests[0].id.clone();
    h.state_mut().workspace_mut().selected_request = Some(first.clone());
    h.run_ok();
    h.get_by_label("Settings").click();
    h.run_ok();
    let pem = dir.path().join("ca.pem");
    std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\n").unwrap();
    h.get_by_role_and_label(Role::Button, "Browse…").click();
    h.run_ok();
    answer_dialog(&mut h, "Open", &pem);
    step_until(&mut h, "the CA path", |h| {
        h.state()
            .workspace()
            .request(&first)
            .unwrap()
            .settings
            .ca_cert_path
            .is_some()
    });

    // Send file… ; Cancel sends nothing.
    h.get_by_label("Message").click();
    h.run_ok();
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    h.get_by_role_and_label(Role::Button, "📎 Send file…")
        .click();
    h.run_ok();
    step_until(&mut h, "the file dialog", |h| {
        h.query_by_label("File path").is_some()
    });
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run_ok();
    assert!(h.query_by_label("File path").is_none());
    let file = dir.path().join("blob.bin");
    std::fs::write(&file, [1u8, 2, 3]).unwrap();
    h.get_by_role_and_label(Role::Button, "📎 Send file…")
        .click();
    h.run_ok();
    answer_dialog(&mut h, "Open", &file);
    step_until(&mut h, "the chosen file", |h| {
        h.state().composer().pending_file().is_some()
    });
}

#[test]
fn secret_values_are_masked_in_the_events_until_revealed() {
    let server = echo_server();
    let (_dir, mut h) = fresh();
    add_global(
        &mut h,
        wsprobe::model::Variable {
            name: "tok".into(),
            value: "s3cr3t-value".into(),
            secret: true,
        },
    );
    set_url(&mut h, &server.url_for("/feed?t=<<tok>>"));
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| state_of(h) == ConnState::Connected);
    type_body(&mut h, r#"{"auth": "<<tok>>"}"#);
    h.get_by_role_and_label(Role::Button, "Send").click();
    run_until(&mut h, "the echo", |h| rows(h, '↓', "auth") == 1);
    assert_eq!(
        server.requests()[0].uri,
        "/feed?t=s3cr3t-value",
        "sent for real"
    );

    let leaks = |h: &Harness<'_, App>| h.query_all_by_label_contains("s3cr3t-value").count();
    assert_eq!(leaks(&h), 0, "no row shows the secret");
    assert!(
        rows(&h, '•', "t=••••••") >= 1,
        "the Connecting line is masked"
    );
    assert_eq!(rows(&h, '↑', "••••••"), 1);

    // The detail of the sent message, and the timeline's request line.
    click_row(&mut h, '↑', "auth");
    let text = |h: &Harness<'_, App>| {
        let rs = h.state().session(&selected_id(h)).unwrap();
        rs.view.detail().text().unwrap_or_default().to_owned()
    };
    assert!(text(&h).contains("••••••") && !text(&h).contains("s3cr3t"));
    assert_eq!(leaks(&h), 0);
    click_row(&mut h, '•', "Connected");
    assert_eq!(leaks(&h), 0, "the timeline masks it too");

    // 👁 reveals it everywhere.
    h.get_by_label("Reveal secrets").click();
    h.run();
    assert!(leaks(&h) > 0);
    click_row(&mut h, '↑', "auth");
    assert!(text(&h).contains("s3cr3t-value"));
}
