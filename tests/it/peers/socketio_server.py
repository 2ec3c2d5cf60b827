# A python-socketio server (asyncio, aiohttp) for the tests: prints `LISTENING <port>` once it
# accepts connections on 127.0.0.1. PING_INTERVAL and PING_TIMEOUT (ms) set its heartbeat.
# The same events as socketio_server.js.
import asyncio
import os

import socketio
from aiohttp import web

sio = socketio.AsyncServer(
    async_mode="aiohttp",
    ping_interval=int(os.environ.get("PING_INTERVAL", "25000")) / 1000,
    ping_timeout=int(os.environ.get("PING_TIMEOUT", "20000")) / 1000,
    max_http_buffer_size=100_000_000,
)
app = web.Application()
sio.attach(app)


def register(namespace):
    @sio.on("chat.message", namespace=namespace)
    async def chat(sid, *args):
        await sio.emit("chat.message", args, to=sid, namespace=namespace)
        return "got", len(args)

    @sio.on("echo", namespace=namespace)
    async def echo(sid, *args):
        return args

    @sio.on("ask", namespace=namespace)
    async def ask(sid, question):
        answer = await sio.call("question", question, to=sid, namespace=namespace, timeout=10)
        if not isinstance(answer, tuple):
            answer = (answer,) if answer is not None else ()
        await sio.emit("answered", answer, to=sid, namespace=namespace)

    @sio.on("bin", namespace=namespace)
    async def binary(sid, *args):
        sizes = [len(a) if isinstance(a, (bytes, bytearray)) else -1 for a in args]
        await sio.emit("bin", (b"\x01\x02\x03\xff", {"sizes": sizes}), to=sid, namespace=namespace)
        return sizes, b"\x09\x08"

    @sio.on("bye", namespace=namespace)
    async def bye(sid, *args):
        await sio.disconnect(sid, namespace=namespace)

    @sio.on("flood", namespace=namespace)
    async def flood(sid, n):
        for i in range(n):
            await sio.emit("tick", i, to=sid, namespace=namespace)


@sio.event
async def connect(sid, environ, auth):
    await sio.emit("welcome", {"from": "server"}, to=sid)


@sio.on("connect", namespace="/admin")
async def admin_connect(sid, environ, auth):
    if not auth or auth.get("token") != "good":
        raise socketio.exceptions.ConnectionRefusedError("bad token")
    await sio.emit("admin.hello", auth, to=sid, namespace="/admin")
    await sio.emit("welcome", {"from": "server"}, to=sid, namespace="/admin")


register("/")
register("/admin")


async def main():
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print("LISTENING", port, flush=True)
    await asyncio.Future()


asyncio.run(main())
