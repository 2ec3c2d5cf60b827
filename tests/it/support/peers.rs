//! Real peers that are not Rust crates: Python packages in a venv, Node packages, Debian
//! programs. The tests start them as child processes on 127.0.0.1 and talk to them.
//!
//! - Where they live: `$WSPROBE_PEERS_DIR`, or `target/peers` in the crate. `.ci/run` installs
//!   them there on a fresh machine: `venv/` (a Python venv with `websockets`), and later
//!   `node/node_modules/` (npm packages). Debian programs come from `PATH` or `/usr/sbin`.
//! - A missing peer never skips a test: [`python`], [`node_package`] and [`program`] panic with
//!   the command that installs it.
//! - [`Peer`] is one running child process. It is killed when dropped. [`Peer::announced`] waits
//!   for the child to print `LISTENING <port>` on stdout; [`Peer::on_port`] waits until a port
//!   it was told to use accepts TCP. Both give up after [`START_TIMEOUT`] with what the child
//!   printed on stderr.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a peer may take to start listening.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// The folder `.ci/run` installs peers into.
pub fn peers_dir() -> PathBuf {
    match std::env::var_os("WSPROBE_PEERS_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peers"),
    }
}

/// The venv's Python, which has the packages `.ci/run` installs (`websockets`, ...).
pub fn python() -> PathBuf {
    let python = peers_dir().join("venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing. Install the Python peers with: python3 -m venv target/peers/venv && \
         target/peers/venv/bin/pip install 'websockets==13.*' (or run .ci/run; \
         WSPROBE_PEERS_DIR points elsewhere)",
        python.display()
    );
    python
}

/// The `node_modules` folder holding the npm package `name` (installed by `.ci/run` with
/// `npm install --prefix target/peers/node`).
pub fn node_package(name: &str, install: &str) -> PathBuf {
    let modules = peers_dir().join("node/node_modules");
    assert!(
        modules.join(name).exists(),
        "the npm package {name} is missing from {}. Install it with: \
         npm install --prefix target/peers/node {install} (or run .ci/run)",
        modules.display()
    );
    modules
}

/// A program from a Debian package, found on `PATH` or in the sbin folders.
pub fn program(name: &str, package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file());
    found.unwrap_or_else(|| {
        panic!("{name} is missing. Install it with: apt-get install {package} (or run .ci/run)")
    })
}

/// A python-websockets server on a port of its choosing: `handler` is Python code defining
/// `async def handler(ws)` (imports `asyncio`, `json`, `websockets` are there), served with
/// the keyword arguments `serve_options` (`""`, or e.g. `"max_size=None"`).
pub fn python_websockets(handler: &str, serve_options: &str, what: &str) -> Peer {
    let options = if serve_options.is_empty() {
        String::new()
    } else {
        format!(", {serve_options}")
    };
    let source = format!(
        "import asyncio, json, websockets\n{handler}\n\
         async def main():\n    \
             async with websockets.serve(handler, \"127.0.0.1\", 0{options}) as server:\n        \
                 print(\"LISTENING\", server.sockets[0].getsockname()[1], flush=True)\n        \
                 await asyncio.Future()\n\
         asyncio.run(main())\n"
    );
    let mut command = Command::new(python());
    command.arg("-c").arg(source);
    Peer::announced(command, what)
}

/// A free TCP port on 127.0.0.1, for peers that must be told which port to use.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr").port()
}

/// A running peer process, killed on drop.
pub struct Peer {
    child: Child,
    pub port: u16,
    what: String,
}

impl Peer {
    /// Starts `command`, which prints `LISTENING <port>` on a line of stdout once it accepts
    /// connections. Further stdout lines are discarded.
    pub fn announced(mut command: Command, what: &str) -> Peer {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = spawn(&mut command, what);
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent && let Some(port) = line.trim().strip_prefix("LISTENING ") {
                    sent = tx.send(port.trim().parse::<u16>().ok()).is_ok();
                }
            }
        });
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(Some(port)) => Peer {
                child,
                port,
                what: what.to_string(),
            },
            _ => fail_start(child, what),
        }
    }

    /// Starts `command`, which was told to listen on `port`, and waits until it accepts TCP.
    pub fn on_port(mut command: Command, port: u16, what: &str) -> Peer {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = spawn(&mut command, what);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Peer {
                    child,
                    port,
                    what: what.to_string(),
                };
            }
            let exited = matches!(child.try_wait(), Ok(Some(_)));
            if exited || Instant::now() >= deadline {
                fail_start(child, what);
            }
            // Polling a condition with a deadline: the peer gives no other signal.
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// `ws://127.0.0.1:PORT` + `path`.
    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://127.0.0.1:{}{path}", self.port)
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// What the peer is, for messages.
    pub fn what(&self) -> &str {
        &self.what
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(command: &mut Command, what: &str) -> Child {
    command
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {what}: {e}"))
}

fn fail_start(mut child: Child, what: &str) -> ! {
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    panic!("{what} did not start listening within {START_TIMEOUT:?}; its stderr:\n{stderr}");
}
