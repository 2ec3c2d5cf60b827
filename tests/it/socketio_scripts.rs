//! The script API's Socket.IO side (`io.on/off/emit/emitWithAck` and acks) through `wsprobe
//! test`, against Node's socket.io 4 and python-socketio.

use std::process::{Command, Stdio};

use crate::cli::{Run, finish};
use crate::support::peers::Peer;
use crate::support::socketio::{self, http_url};

const SCRIPT: &str = r#"
let pending = 4;
const done = () => { if (--pending === 0) ws.close(1000, "done"); };
const never = () => test("an io.off handler never runs", () => { throw new Error("it ran"); });
io.on("welcome", never);
io.off("welcome", never);
io.on("welcome", (w) => test("the server's event", () => expect(w).toEqual({ from: "server" })));
io.on("connect", () => console.log("namespace joined"));
io.on("question", (q, ack) => {
    test("the server asks for an ack", () => { expect(q).toBe("2+2?"); expect(typeof ack).toBe("function"); });
    ack("four", 4);
});
io.on("answered", (...answer) => {
    test("our ack reached the server", () => expect(answer).toEqual(["four", 4]));
    done();
});
io.on("bin", (bytes, info) => {
    test("a binary event", () => {
        expect(bytes).toEqual(new Uint8Array([1, 2, 3, 255]));
        expect(info.sizes).toEqual([3, -1]);
    });
    done();
});
ws.on("open", async () => {
    io.emit("chat.message", "hi", (a, b) => {
        test("a callback gets the ack's args", () => expect([a, b]).toEqual(["got", 1]));
        done();
    });
    const first = await io.emitWithAck("echo", { n: 1 }, "x");
    test("emitWithAck resolves with the ack's first arg", () => expect(first).toEqual({ n: 1 }));
    const sizes = await io.emitWithAck("bin", new Uint8Array([5, 6, 7]), "t");
    test("binary args go out as attachments", () => expect(sizes).toEqual([3, -1]));
    io.emit("ask", "2+2?");
    done();
});
"#;

fn wsprobe_test(peer: &Peer) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("io.js");
    std::fs::write(&script, SCRIPT).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsprobe"));
    cmd.arg("test")
        .arg("--socketio")
        .arg(http_url(peer))
        .arg("--script")
        .arg(&script)
        .arg("--timeout")
        .arg("10")
        .env("WSPROBE_WORKSPACE", dir.path().join("ws"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    finish(cmd.spawn().expect("start wsprobe"))
}

fn every_io_call_works(peer: &Peer) {
    let run = wsprobe_test(peer);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("7 passed, 0 failed"), "{run:?}");
    assert!(run.stderr.contains("namespace joined"), "{run:?}");
}

#[test]
fn the_io_api_against_node_socketio() {
    every_io_call_works(&socketio::node_v4(None));
}

#[test]
fn the_io_api_against_python_socketio() {
    every_io_call_works(&socketio::python(None));
}
