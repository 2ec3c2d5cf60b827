#!/usr/bin/env python3
"""Socket.IO ingest: `wsprobe run --socketio ... --output quiet` against Node's socket.io-client 4.

Starts a Node socket.io 4 server on a free 127.0.0.1 port that, when a client emits
`flood N`, sends it N small events (`tick i`): the frames `socket.emit("tick", i)` writes,
built once and written in 256 KiB batches (as `wsprobe serve`'s /flood does), so the clients'
ingest is timed rather than socket.io's emit loop; `--emit-loop` times the plain
`socket.emit` loop instead (the server is then the bottleneck for both). Then alternates the two clients, each
connecting over WebSocket, asking for the flood and counting the events until the last one,
and prints medians: events per second over the whole process (start, connect, receive all,
exit) and peak RSS.

    python3 scripts/ingest_socketio_vs_node.py [--count 100000] [--runs 5]

Needs the release build of wsprobe (built here) and the npm packages socket.io@4 and
socket.io-client@4 under target/peers/node (`.ci/peers` installs them).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_vs_websocat import timed  # noqa: E402  (the same timing and RSS measurement)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
WSPROBE = os.path.join(TARGET, "release", "wsprobe")
PEERS = os.environ.get("WSPROBE_PEERS_DIR") or os.path.join(ROOT, "target", "peers")
MODULES = os.path.join(PEERS, "node", "node_modules")

SERVER = """
const http = require("http");
const { Server } = require("socket.io");
const server = http.createServer();
const io = new Server(server);
io.on("connection", (socket) => {
  socket.on("flood", (n) => {
    if (process.env.FLOOD === "emit") {
      for (let i = 0; i < n; i++) socket.emit("tick", i);
      return;
    }
    // The frames socket.emit("tick", i) sends (`42["tick",i]`, unmasked text frames), built
    // once and written to the connection's TCP socket in 256 KiB batches: the clients'
    // ingest is measured, not the emit loop.
    const tcp = socket.conn.transport.socket._socket;
    let parts = [], size = 0;
    for (let i = 0; i < n; i++) {
      const payload = Buffer.from('42["tick",' + i + "]");
      parts.push(Buffer.from([0x81, payload.length]), payload);
      size += payload.length + 2;
      if (size >= 262144) { tcp.write(Buffer.concat(parts)); parts = []; size = 0; }
    }
    if (parts.length) tcp.write(Buffer.concat(parts));
  });
});
server.listen(0, "127.0.0.1", () => console.log("LISTENING " + server.address().port));
"""

CLIENT = """
const { io } = require("socket.io-client");
const n = Number(process.argv[3]);
const socket = io(process.argv[2], { transports: ["websocket"] });
let count = 0;
socket.on("connect", () => socket.emit("flood", n));
socket.on("tick", () => { if (++count === n) { socket.disconnect(); process.exit(0); } });
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--emit-loop", action="store_true",
                        help="the server emits with socket.emit in a loop instead")
    args = parser.parse_args()
    for package in ("socket.io", "socket.io-client"):
        if not os.path.isdir(os.path.join(MODULES, package)):
            sys.exit(f"{package} is missing: npm install --prefix {os.path.join(PEERS, 'node')} "
                     "socket.io@4 socket.io-client@4 (or run .ci/peers)")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "wsprobe"], cwd=ROOT, check=True)
    env = dict(os.environ, NODE_PATH=MODULES, FLOOD="emit" if args.emit_loop else "frames")
    with tempfile.TemporaryDirectory() as tmp:
        server_js = os.path.join(tmp, "server.js")
        client_js = os.path.join(tmp, "client.js")
        with open(server_js, "w") as f:
            f.write(SERVER)
        with open(client_js, "w") as f:
            f.write(CLIENT)
        server = subprocess.Popen(["node", server_js], stdout=subprocess.PIPE, env=env, text=True)
        try:
            line = server.stdout.readline()
            if not line.startswith("LISTENING "):
                sys.exit(f"the socket.io server did not start: {line!r}")
            url = f"http://127.0.0.1:{line.split()[1]}"
            node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
            clients = {
                f"node {node} socket.io-client 4": ["node", client_js, url, str(args.count)],
                "wsprobe run --socketio --output quiet": [
                    WSPROBE, "run", "--socketio", url, "--emit", "flood", f"[{args.count}]",
                    "--count", str(args.count), "--output", "quiet"],
            }
            results = {name: [] for name in clients}
            for _ in range(args.runs):
                for name, argv in clients.items():
                    results[name].append(timed(argv, env=env))
            how = "its socket.emit loop" if args.emit_loop else "pre-built frames"
            print(f"{args.count} Socket.IO events (`tick i`) from node socket.io 4 ({how}), "
                  f"{args.runs} runs each, medians:\n")
            print("| client | time | events/s | peak RSS |")
            print("|---|---|---|---|")
            rates = {}
            for name, runs in results.items():
                took = statistics.median(t for t, _ in runs)
                rss = statistics.median(r for _, r in runs)
                rates[name] = args.count / took
                print(f"| {name} | {took:.3f} s | {rates[name]:,.0f} | {rss / 1e6:.0f} MB |")
            ours, theirs = rates["wsprobe run --socketio --output quiet"], min(
                r for n, r in rates.items() if n.startswith("node"))
            print(f"\nwsprobe / socket.io-client: {ours / theirs:.1f}x")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
