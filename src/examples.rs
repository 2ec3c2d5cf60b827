//! The examples a brand-new workspace starts with, so the quick start is: run `wsprobe serve`,
//! open the app, click Connect.

use std::path::Path;

use crate::model::{Environment, MessageFormat, SavedMessage, SavedRequest, Workspace};
use crate::store::{Store, StoreError};

/// The first-run workspace: an echo request, a templated sensor feed with a "Local"
/// environment (host, port) made active, and a saved JSON message.
pub fn first_run_workspace() -> Workspace {
    let mut echo = SavedRequest::new("Echo (wsprobe serve)", "ws://127.0.0.1:8765/echo");
    let hello = r#"{
  "type": "hello",
  "from": "wsprobe",
  "at": "<<$isoTimestamp>>"
}"#;
    echo.draft.format = MessageFormat::Json;
    echo.draft.body = hello.to_owned();
    echo.saved_messages.push(SavedMessage {
        name: "Hello (JSON)".into(),
        format: MessageFormat::Json,
        body: hello.to_owned(),
        ..SavedMessage::default()
    });
    let mut sensors = SavedRequest::new("Sensor events", "ws://<<host>>:<<port>>/tick");
    // Stop `wsprobe serve` to watch it try again.
    sensors.settings.reconnect_attempts = 5;
    sensors.settings.reconnect_interval_ms = 3_000;
    // A sustained feed, to see the app keep drawing (and Disconnect work) under load.
    let flood = SavedRequest::new(
        "Flood (100,000 msg/s)",
        "ws://<<host>>:<<port>>/flood?rate=100000",
    );
    let local = Environment::new("Local")
        .with_var("host", "127.0.0.1")
        .with_var("port", "8765");
    Workspace {
        selected_request: Some(echo.id.clone()),
        active_environment: Some(local.id.clone()),
        requests: vec![echo, sensors, flood],
        environments: vec![local],
        ..Workspace::default()
    }
}

/// Writes the examples into `dir` if it is a truly new workspace (no workspace.json and
/// nothing loaded). Returns whether it did. A workspace whose examples the user deleted still
/// has its workspace.json, so they are never added again.
pub fn seed_if_new(dir: &Path) -> Result<bool, StoreError> {
    if dir.join("workspace.json").exists() {
        return Ok(false);
    }
    let (mut store, workspace, problems) = Store::open(dir)?;
    let untouched = workspace.requests.is_empty()
        && workspace.environments.is_empty()
        && workspace.globals.variables.is_empty()
        && problems.is_empty();
    if !untouched {
        return Ok(false);
    }
    store.save(&first_run_workspace())?;
    Ok(true)
}
