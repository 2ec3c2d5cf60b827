#!/usr/bin/env python3
"""Compressed ingest: `wsprobe run --output quiet` against Node's `ws` client (the engine inside
Postman and Insomnia), both inflating the same permessage-deflate flood, in the same run.

Starts `wsprobe serve` (release build) on a free 127.0.0.1 port; its /flood?deflate=1 sends
JSON-like text messages compressed once with server_no_context_takeover and replayed in
256 KiB batches, so the server is not the bottleneck. Each client connects offering
permessage-deflate (both do by default), counts the messages until the server's close, and
exits. Prints medians of messages per second over the whole process (start, connect, inflate
and count every message, exit) and of peak RSS, for each message size.

    python3 scripts/ingest_deflate_vs_node_ws.py [--count 1000000] [--sizes 100,4096] [--runs 5]

Setup, once (Node 18 or newer on PATH):

    npm install --prefix target/peers/node ws@8

The release binary is built with `cargo build --release --bin wsprobe` (CARGO_TARGET_DIR is
respected). Peak RSS comes from GNU time (`apt install time`) when it is installed.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
WSPROBE = os.path.join(TARGET, "release", "wsprobe")
NODE_MODULES = os.path.join(ROOT, "target", "peers", "node", "node_modules")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ingest_vs_websocat import free_port, timed  # noqa: E402  (the same timing, one copy)

# Node's ws client with its defaults (perMessageDeflate on), counting messages until close.
NODE_CLIENT = r"""
const WebSocket = require('ws');
const [url, expected] = process.argv.slice(1);
let n = 0;
const ws = new WebSocket(url);
ws.on('message', () => { n++; });
ws.on('close', () => {
  if (n !== Number(expected)) { console.error(`got ${n} of ${expected}`); process.exit(1); }
  process.exit(0);
});
ws.on('error', (e) => { console.error(String(e)); process.exit(1); });
"""


def wait_for(port):
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            if time.time() > deadline:
                sys.exit("wsprobe serve did not start")
            time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="100,4096")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(NODE_MODULES, "ws")):
        sys.exit(f"ws is missing: npm install --prefix {os.path.dirname(NODE_MODULES)} ws@8")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "wsprobe"], cwd=ROOT, check=True)
    node_env = dict(os.environ, NODE_PATH=NODE_MODULES)
    ws_version = subprocess.run(
        ["node", "-e", "console.log(require('ws/package.json').version)"],
        capture_output=True, text=True, env=node_env, check=True,
    ).stdout.strip()
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen([WSPROBE, "serve", "--port", str(port)], stdout=subprocess.DEVNULL)
    try:
        wait_for(port)
        print(f"{args.count} compressed messages per run, {args.runs} runs each, medians:\n")
        print("| message | client | time | msg/s | peak RSS |")
        print("|---|---|---|---|---|")
        for size in (int(s) for s in args.sizes.split(",")):
            url = f"ws://127.0.0.1:{port}/flood?deflate=1&size={size}&n={args.count}"
            clients = {
                f"Node {node_version}, ws {ws_version}": (
                    ["node", "-e", NODE_CLIENT, url, str(args.count)], node_env),
                "wsprobe run --output quiet": (
                    [WSPROBE, "run", url, "--count", str(args.count), "--output", "quiet"], None),
            }
            results = {name: [] for name in clients}
            for _ in range(args.runs):
                for name, (argv, env) in clients.items():
                    results[name].append(timed(argv, env))
            rates = {}
            for name, runs in results.items():
                took = statistics.median(t for t, _ in runs)
                rss = statistics.median(r for _, r in runs)
                rates[name] = args.count / took
                print(f"| {size} B JSON | {name} | {took:.3f} s | {rates[name]:,.0f} | {rss / 1e6:.0f} MB |")
            ours = rates["wsprobe run --output quiet"]
            theirs = min(r for n, r in rates.items() if n.startswith("Node"))
            print(f"| {size} B JSON | wsprobe ÷ ws | | {ours / theirs:.1f}× | |")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
