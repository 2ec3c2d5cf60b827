//! The user's work is never lost, and secrets stay out of git:
//! - a child process saving in a loop, SIGKILLed at random moments, never leaves a truncated
//!   or mixed file;
//! - corrupt, truncated and future-version files: the app starts, names them in a banner,
//!   leaves them alone and saves the rest;
//! - a folder that cannot be written: a banner, edits kept, saved once the folder is back;
//! - secret variables live in `.secrets.json` (listed in `.gitignore`), and `wsprobe run`
//!   masks them and credential headers unless `--reveal-secrets`.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use support::gui::*;
use support::*;
use wsprobe::model::{Environment, KeyValue, SavedRequest, Variable, Workspace};
use wsprobe::store::{SECRETS_FILE, Store};
use wsprobe::ui::App;

const WAIT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Crash safety

const CHILD_ENV: &str = "WSPROBE_SAVE_LOOP_DIR";
const REQUESTS: usize = 6;

/// Generation `generation` of request `i`: every field says which generation it belongs to,
/// and the body's size varies, so a truncated or mixed file cannot pass for a whole one.
fn request_at(i: usize, generation: u64) -> SavedRequest {
    let mut request = SavedRequest::new(
        format!("r{i} gen {generation}"),
        format!("ws://127.0.0.1:1/{i}/{generation}"),
    );
    request.id = format!("r{i}");
    request.headers = vec![KeyValue::new("X-Gen", generation.to_string())];
    let size = usize::try_from((generation * 7919 + i as u64 * 104_729) % 20_000).unwrap_or(0);
    request.draft.body = format!("{generation}:{}", "x".repeat(size));
    request
}

fn generation_of(request: &SavedRequest) -> Option<u64> {
    let generation: u64 = request.name.rsplit(' ').next()?.parse().ok()?;
    let i: usize = request.id.strip_prefix('r')?.parse().ok()?;
    (request_at(i, generation) == *request).then_some(generation)
}

fn workspace_at(generation: u64) -> Workspace {
    let mut env = Environment::new("env");
    env.id = "env".into();
    env.variables = vec![
        Variable::new("gen", generation.to_string()),
        Variable {
            name: "token".into(),
            value: format!("secret-{generation}"),
            secret: true,
        },
    ];
    let mut requests: Vec<SavedRequest> =
        (0..REQUESTS).map(|i| request_at(i, generation)).collect();
    // The order changes with every generation, so the manifest changes too.
    requests.rotate_left(usize::try_from(generation).unwrap_or(0) % REQUESTS);
    Workspace {
        requests,
        environments: vec![env],
        active_environment: Some("env".into()),
        ..Workspace::default()
    }
}

/// Not a test of its own: the child process of `sigkill_while_saving_never_loses_a_file`.
#[test]
#[ignore = "run by sigkill_while_saving_never_loses_a_file as a child process"]
fn save_loop_child() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (mut store, workspace, _) = Store::open(&dir).expect("open");
    let mut generation = workspace
        .requests
        .iter()
        .filter_map(generation_of)
        .max()
        .unwrap_or(0);
    loop {
        generation += 1;
        store.save(&workspace_at(generation)).expect("save");
    }
}

/// A small deterministic generator for the kill delays (xorshift).
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn sigkill_while_saving_never_loses_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("ws");
    let mut random = 0x9e37_79b9_7f4a_7c15_u64;
    let mut last_seen: Vec<u64> = vec![0; REQUESTS];
    let kills = 40;
    for kill in 0..kills {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "saves::save_loop_child",
                "--exact",
                "--ignored",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the save loop");
        // Let it get going (after the first kill: until it saved something new), then kill
        // it at a random moment 0-40 ms later.
        let deadline = Instant::now() + WAIT;
        while !root.join("workspace.json").exists() && Instant::now() < deadline {
            std::thread::yield_now();
        }
        let delay = Duration::from_micros(next_random(&mut random) % 40_000);
        let until = Instant::now() + delay;
        while Instant::now() < until {
            std::thread::yield_now();
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");

        let (workspace, problems) = Store::load_read_only(&root).expect("loads");
        assert!(problems.is_empty(), "after kill {kill}: {problems:?}");
        assert_eq!(workspace.requests.len(), REQUESTS, "after kill {kill}");
        for request in &workspace.requests {
            let generation = generation_of(request).unwrap_or_else(|| {
                panic!("after kill {kill}: a mixed or damaged request: {request:?}")
            });
            let i: usize = request.id[1..].parse().expect("id");
            // Old or new, never going back.
            assert!(
                generation >= last_seen[i],
                "after kill {kill}: r{i} went back"
            );
            last_seen[i] = generation;
        }
        let env = &workspace.environments[0];
        let gen_var = env.get("gen").expect("gen variable");
        let token = env.get("token").expect("token variable");
        assert!(gen_var.value.parse::<u64>().is_ok(), "{env:?}");
        assert!(token.secret, "{env:?}");
        assert!(
            token
                .value
                .strip_prefix("secret-")
                .is_some_and(|g| g.parse::<u64>().is_ok()),
            "after kill {kill}: {env:?}"
        );
        for file in fs::read_dir(root.join("environments")).expect("environments") {
            let text = fs::read_to_string(file.expect("entry").path()).expect("read");
            assert!(
                !text.contains("secret-"),
                "a secret in a tracked file: {text}"
            );
        }
    }
    assert!(
        last_seen.iter().all(|g| *g > 0),
        "the child never saved: {last_seen:?}"
    );
    // Temp files a kill left behind are removed the next time the workspace is opened.
    drop(Store::open(&root).expect("open"));
    for sub in ["", "requests", "environments"] {
        for entry in fs::read_dir(root.join(sub)).expect("dir") {
            let name = entry.expect("entry").file_name();
            assert!(!name.to_string_lossy().ends_with(".tmp"), "{name:?} left");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The GUI with broken files and a folder that cannot be written

fn run_until(h: &mut Harness<'_, App>, what: &str, condition: impl Fn(&Harness<'_, App>) -> bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        h.step();
        if condition(h) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        // Not synchronisation: the saver works in wall-clock time; don't spin a core.
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn has_label(h: &Harness<'_, App>, text: &str) -> bool {
    h.query_by_label_contains(text).is_some()
}

fn two_requests(root: &Path) -> (String, String) {
    let (mut store, mut workspace, _) = Store::open(root).expect("open");
    let a = SavedRequest::new("Alpha", "ws://127.0.0.1:1/a");
    let b = SavedRequest::new("Beta", "ws://127.0.0.1:1/b");
    let ids = (a.id.clone(), b.id.clone());
    workspace.requests = vec![a, b];
    store.save(&workspace).expect("save");
    ids
}

fn request_file(root: &Path, id: &str) -> PathBuf {
    root.join("requests").join(format!("{id}.json"))
}

#[test]
fn broken_files_are_named_in_a_banner_left_alone_and_the_rest_saves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let (a, b) = two_requests(root);
    // A truncated request file and a workspace.json from a newer wsprobe.
    let truncated = {
        let text = fs::read_to_string(request_file(root, &a)).expect("read");
        text[..text.len() / 2].to_owned()
    };
    fs::write(request_file(root, &a), &truncated).expect("truncate");
    let future = "{\n  \"format_version\": 99,\n  \"requests\": [],\n  \"shiny\": true\n}\n";
    fs::write(root.join("workspace.json"), future).expect("future");

    let mut h = harness(App::new(root).expect("the app starts anyway"));
    h.run();
    assert!(has_label(&h, "Some files could not be loaded"));
    assert!(has_label(&h, &format!("{a}.json: EOF while parsing")));
    assert!(has_label(
        &h,
        "workspace.json: written by a newer wsprobe (format 99"
    ));
    assert_eq!(h.state().workspace().requests.len(), 1);

    // Edit the request that loaded, and add one: both are saved; the broken files are not.
    h.state_mut().workspace_mut().requests[0].name = "Beta edited".into();
    h.state_mut()
        .workspace_mut()
        .requests
        .push(SavedRequest::new("Gamma", "ws://127.0.0.1:1/c"));
    h.state_mut().save_now();
    h.run();
    assert!(!has_label(&h, "Could not save"));
    let beta = fs::read_to_string(request_file(root, &b)).expect("beta");
    assert!(beta.contains("Beta edited"), "{beta}");
    assert_eq!(fs::read_dir(root.join("requests")).expect("dir").count(), 3);
    assert_eq!(
        fs::read_to_string(request_file(root, &a)).expect("a"),
        truncated
    );
    assert_eq!(
        fs::read_to_string(root.join("workspace.json")).expect("ws"),
        future
    );
}

/// Makes the requests folder unwritable, renames request `id` in the app, and waits for the
/// save error banner; returns the request's index. Permission bits do not stop root (the tests
/// run as root here), so the folder is moved away and a plain file put in its place: every
/// write into it now fails, for anyone.
fn block_and_rename(h: &mut Harness<'_, App>, root: &Path, id: &str, name: &str) -> usize {
    fs::rename(root.join("requests"), root.join("requests.away")).expect("move away");
    fs::write(root.join("requests"), b"not a folder").expect("block");
    let index = h
        .state()
        .workspace()
        .requests
        .iter()
        .position(|r| r.id == id)
        .expect("the request");
    h.state_mut().workspace_mut().requests[index].name = name.into();
    run_until(h, "the save error banner", |h| {
        has_label(h, "Could not save")
    });
    index
}

/// Undoes [`block_and_rename`]'s block.
fn unblock(root: &Path) {
    fs::remove_file(root.join("requests")).expect("unblock");
    fs::rename(root.join("requests.away"), root.join("requests")).expect("move back");
}

#[test]
fn a_folder_that_cannot_be_written_keeps_edits_and_saves_them_later() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("ws");
    let (a, _) = two_requests(&root);
    let mut h = harness(App::new(&root).expect("open"));
    h.run();

    let index = block_and_rename(&mut h, &root, &a, "Alpha, edited while blocked");
    assert!(has_label(&h, "Your edits are kept"));
    assert_eq!(
        h.state().workspace().requests[index].name,
        "Alpha, edited while blocked"
    );

    // The folder comes back: the saver retries on its own and the banner goes.
    unblock(&root);
    run_until(&mut h, "the banner to go", |h| {
        !has_label(h, "Could not save")
    });
    let text = fs::read_to_string(request_file(&root, &a)).expect("alpha");
    assert!(text.contains("Alpha, edited while blocked"), "{text}");
}

/// Asks the window to close (the title bar's close button), runs one frame, and returns the
/// viewport commands that frame sent.
fn request_close(h: &mut Harness<'_, App>) -> Vec<egui::ViewportCommand> {
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.step();
    viewport_commands(h)
}

fn viewport_commands(h: &Harness<'_, App>) -> Vec<egui::ViewportCommand> {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.commands.clone())
        .unwrap_or_default()
}

#[test]
fn closing_while_saves_fail_asks_instead_of_losing_the_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("ws");
    let (a, _) = two_requests(&root);
    let mut h = harness(App::new(&root).expect("open"));
    h.run();
    // Nothing unsaved: closing just closes.
    let commands = request_close(&mut h);
    assert!(!commands.contains(&egui::ViewportCommand::CancelClose));
    assert!(!h.state().close_blocked());

    block_and_rename(&mut h, &root, &a, "Alpha, unsaved");

    // Closing now is cancelled and the dialog says why.
    let commands = request_close(&mut h);
    assert!(
        commands.contains(&egui::ViewportCommand::CancelClose),
        "{commands:?}"
    );
    h.run();
    assert!(has_label(&h, "Your changes are not saved"));
    assert!(has_label(&h, "Closing now loses the changes"));
    h.get_by_label("Keep open").click();
    h.run();
    assert!(!has_label(&h, "Your changes are not saved"));
    // Escape does the same as Keep open.
    request_close(&mut h);
    h.run();
    assert!(has_label(&h, "Your changes are not saved"));
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!has_label(&h, "Your changes are not saved"));
    assert!(!h.state().close_blocked());

    // Again; this time the folder is back and "Try again" saves, then closes.
    request_close(&mut h);
    h.run();
    assert!(has_label(&h, "Your changes are not saved"));
    unblock(&root);
    h.get_by_label("Try again").click();
    h.step();
    assert!(viewport_commands(&h).contains(&egui::ViewportCommand::Close));
    let text = fs::read_to_string(request_file(&root, &a)).expect("alpha");
    assert!(text.contains("Alpha, unsaved"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Secrets

fn secret(name: &str, value: &str) -> Variable {
    Variable {
        name: name.into(),
        value: value.into(),
        secret: true,
    }
}

#[test]
fn secrets_live_in_their_own_ignored_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::write(root.join(".gitignore"), "target/").expect("gitignore");
    let (mut store, mut workspace, _) = Store::open(root).expect("open");
    let mut env = Environment::new("Prod").with_var("host", "example.com");
    env.variables.push(secret("token", "tok-123456"));
    let env_id = env.id.clone();
    workspace.environments.push(env);
    workspace
        .globals
        .variables
        .push(secret("api_key", "key-abcdef"));
    store.save(&workspace).expect("save");

    let env_file = fs::read_to_string(root.join(format!("environments/{env_id}.json"))).unwrap();
    let globals_file = fs::read_to_string(root.join("environments/globals.json")).unwrap();
    assert!(!env_file.contains("tok-123456") && env_file.contains("example.com"));
    assert!(env_file.contains("\"secret\": true"));
    assert!(!globals_file.contains("key-abcdef"));
    let secrets: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join(SECRETS_FILE)).unwrap()).unwrap();
    assert_eq!(secrets[&env_id]["token"], "tok-123456");
    assert_eq!(secrets["globals"]["api_key"], "key-abcdef");
    assert_eq!(
        fs::read_to_string(root.join(".gitignore")).unwrap(),
        "target/\n# Values of secret variables: never commit them.\n/.secrets.json\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(root.join(SECRETS_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Merged back on load, for the app and for `wsprobe run`.
    drop(store);
    let (_, loaded, problems) = Store::open(root).expect("reopen");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(loaded, workspace);
    let (read_only, _) = Store::load_read_only(root).expect("read-only");
    assert_eq!(read_only, workspace);
    // Saving again changes nothing, and .gitignore is not extended twice.
    let (mut store, loaded, _) = Store::open(root).expect("reopen");
    store.save(&loaded).expect("save");
    assert_eq!(
        fs::read_to_string(root.join(".gitignore"))
            .unwrap()
            .matches(".secrets.json")
            .count(),
        1
    );
}

#[test]
fn a_secret_in_an_environment_file_moves_out_and_a_broken_secrets_file_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    fs::create_dir_all(root.join("environments")).unwrap();
    // Written by hand (or an older wsprobe): the value sits in the tracked file.
    fs::write(
        root.join("environments/e1.json"),
        r#"{"id": "e1", "name": "Old", "variables": [{"name": "pw", "value": "hunter22", "secret": true}]}"#,
    )
    .unwrap();
    let (mut store, workspace, _) = Store::open(root).expect("open");
    assert_eq!(workspace.environments[0].variables[0].value, "hunter22");
    store.save(&workspace).expect("save");
    assert!(
        !fs::read_to_string(root.join("environments/e1.json"))
            .unwrap()
            .contains("hunter22")
    );
    assert!(
        fs::read_to_string(root.join(SECRETS_FILE))
            .unwrap()
            .contains("hunter22")
    );
    drop(store);

    // A broken secrets file: reported, never overwritten; everything else still saves.
    fs::write(root.join(SECRETS_FILE), "{\"e1\": {\"pw\": ").unwrap();
    let (mut store, mut workspace, problems) = Store::open(root).expect("open");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].path.ends_with(SECRETS_FILE));
    workspace.environments[0].name = "Renamed".into();
    workspace.environments[0]
        .variables
        .push(secret("new", "value-42"));
    store.save(&workspace).expect("save");
    assert_eq!(
        fs::read_to_string(root.join(SECRETS_FILE)).unwrap(),
        "{\"e1\": {\"pw\": "
    );
    let env = fs::read_to_string(root.join("environments/e1.json")).unwrap();
    assert!(
        env.contains("Renamed") && !env.contains("value-42"),
        "{env}"
    );
}

/// `wsprobe run` of a saved request whose URL, headers and message use a secret variable.
fn run_saved(root: &Path, extra: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_wsprobe"))
        .args(["run", "Secret feed", "--output", "jsonl", "--count", "1"])
        .args(extra)
        .env("WSPROBE_WORKSPACE", root)
        .stdin(Stdio::null())
        .output()
        .expect("run wsprobe");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn the_cli_masks_credentials_and_secrets_unless_revealed() {
    let server = echo_server();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let (mut store, mut workspace, _) = Store::open(root).expect("open");
    let mut env = Environment::new("Prod");
    env.variables.push(secret("token", "tok-0123456789"));
    workspace.active_environment = Some(env.id.clone());
    workspace.environments.push(env);
    let mut request = SavedRequest::new("Secret feed", server.url_for("/feed?key=<<token>>"));
    request.headers = vec![
        KeyValue::new("Authorization", "Bearer <<token>>"),
        KeyValue::new("Cookie", "session=abc"),
        KeyValue::new("X-Trace", "t-<<token>>"),
    ];
    request.draft.body = "hello <<token>>".into();
    workspace.requests.push(request);
    store.save(&workspace).expect("save");
    drop(store);

    let (code, masked) = run_saved(root, &[]);
    assert_eq!(code, 0, "{masked}");
    assert!(!masked.contains("tok-0123456789"), "{masked}");
    assert!(!masked.contains("session=abc"), "{masked}");
    let lines: Vec<serde_json::Value> = masked
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let connected = lines
        .iter()
        .find(|l| l["kind"] == "connected")
        .expect("connected");
    let header = |name: &str| {
        connected["request_headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == name)
            .map(|h| h[1].as_str().unwrap().to_owned())
    };
    assert_eq!(header("Authorization").as_deref(), Some("Bearer ***"));
    assert_eq!(header("Cookie").as_deref(), Some("***"));
    assert_eq!(header("X-Trace").as_deref(), Some("t-***"));
    assert!(
        connected["url"]
            .as_str()
            .unwrap()
            .ends_with("/feed?key=***")
    );
    let outgoing = lines
        .iter()
        .find(|l| l["kind"] == "outgoing")
        .expect("sent");
    assert_eq!(outgoing["text"], "hello ***");
    // The server got the real values.
    let seen = &server.requests()[0];
    assert_eq!(seen.header("authorization"), Some("Bearer tok-0123456789"));
    assert_eq!(seen.uri, "/feed?key=tok-0123456789");

    let (code, revealed) = run_saved(root, &["--reveal-secrets"]);
    assert_eq!(code, 0, "{revealed}");
    assert!(revealed.contains("Bearer tok-0123456789"), "{revealed}");
    assert!(revealed.contains("session=abc"), "{revealed}");
    assert!(revealed.contains("hello tok-0123456789"), "{revealed}");

    // Text output too, and a --var overriding a secret is secret as well.
    let output = Command::new(env!("CARGO_BIN_EXE_wsprobe"))
        .args([
            "run",
            "Secret feed",
            "--count",
            "1",
            "--var",
            "token=other-secret-1",
        ])
        .env("WSPROBE_WORKSPACE", root)
        .stdin(Stdio::null())
        .output()
        .expect("run wsprobe");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("other-secret-1"), "{text}");
    assert!(text.contains("hello ***"), "{text}");
}
