//! Real Socket.IO servers for the tests, started on 127.0.0.1 ports of their choosing: Node's
//! `socket.io` 4 (Engine.IO 4) and 2 (Engine.IO 3), and python-socketio 5 (aiohttp). All run
//! the same events (`tests/it/peers/socketio_server.{js,py}`):
//!
//! - on connect: `welcome {"from": "server"}`; namespace `/admin` wants the auth (or, on v2,
//!   query) `token` `good`, else refuses with `bad token`, and greets with `admin.hello`;
//! - `chat.message ...args` is echoed back as an event, and acked with `("got", n)`;
//! - `echo ...args` is acked with the same args; `ask q` emits `question q` asking for an ack
//!   and then emits `answered ...ack args`;
//! - `bin ...args` answers `bin <4 bytes 01 02 03 ff> {"sizes": [...]}` and acks with
//!   `([sizes], <2 bytes 09 08>)`; `bye` disconnects us; `stall ms` blocks the Node server
//!   (no heartbeats); `flood n` emits `tick 0..n`.
//!
//! `PING_INTERVAL`/`PING_TIMEOUT` (ms) set the server's heartbeat. A missing peer fails the
//! test with the command that installs it (`.ci/peers`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::peers::{self, Peer};

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/peers")
        .join(name)
}

/// The `node_modules` of `folder` under the peers dir, holding `name`.
fn node_modules(folder: &str, name: &str, install: &str) -> PathBuf {
    let modules = peers::peers_dir().join(folder).join("node_modules");
    assert!(
        modules.join(name).exists(),
        "the npm package {name} is missing from {}. Install it with: \
         npm install --prefix target/peers/{folder} {install} (or run .ci/peers)",
        modules.display()
    );
    modules
}

fn node() -> PathBuf {
    peers::program("node", "nodejs")
}

fn node_server(modules: PathBuf, heartbeat: Option<(u64, u64)>, what: &str) -> Peer {
    let mut command = Command::new(node());
    command
        .arg(script("socketio_server.js"))
        .env("NODE_PATH", modules);
    if let Some((interval, timeout)) = heartbeat {
        command
            .env("PING_INTERVAL", interval.to_string())
            .env("PING_TIMEOUT", timeout.to_string());
    }
    Peer::announced(command, what)
}

/// Node's socket.io 4 (Engine.IO 4), with its default heartbeat or `(interval, timeout)` ms.
pub fn node_v4(heartbeat: Option<(u64, u64)>) -> Peer {
    let modules = node_modules("node", "socket.io", "socket.io@4");
    node_server(modules, heartbeat, "node socket.io@4 server")
}

/// Node's socket.io 2 (Socket.IO v4 protocol over Engine.IO 3).
pub fn node_v2(heartbeat: Option<(u64, u64)>) -> Peer {
    let modules = node_modules("node-sio2", "socket.io", "socket.io@2");
    node_server(modules, heartbeat, "node socket.io@2 server")
}

/// python-socketio 5 on aiohttp.
pub fn python(heartbeat: Option<(u64, u64)>) -> Peer {
    let python = peers::python();
    let check = Command::new(&python)
        .args(["-c", "import socketio, aiohttp"])
        .output()
        .map(|out| out.status.success())
        .unwrap_or(false);
    assert!(
        check,
        "python-socketio is missing from the peers venv. Install it with: \
         target/peers/venv/bin/pip install 'python-socketio==5.*' 'aiohttp==3.*' (or run .ci/peers)"
    );
    let mut command = Command::new(python);
    command.arg(script("socketio_server.py"));
    if let Some((interval, timeout)) = heartbeat {
        command
            .env("PING_INTERVAL", interval.to_string())
            .env("PING_TIMEOUT", timeout.to_string());
    }
    Peer::announced(command, "python-socketio server")
}

/// The `node_modules` holding socket.io-client 4 (the speed comparison's client).
pub fn client_modules() -> PathBuf {
    node_modules("node", "socket.io-client", "socket.io-client@4")
}

/// `http://127.0.0.1:PORT` of a peer.
pub fn http_url(peer: &Peer) -> String {
    format!("http://127.0.0.1:{}", peer.port)
}
