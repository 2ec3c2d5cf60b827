// A Socket.IO server for the tests (socket.io 4, or 2 for Engine.IO 3): prints
// `LISTENING <port>` once it accepts connections on 127.0.0.1. PING_INTERVAL and PING_TIMEOUT
// (ms) set its heartbeat.
const http = require("http");
const sio = require("socket.io");

const opts = {
  pingInterval: Number(process.env.PING_INTERVAL || 25000),
  pingTimeout: Number(process.env.PING_TIMEOUT || 20000),
  maxHttpBufferSize: 1e8,
};
const server = http.createServer();
const io = typeof sio === "function" ? sio(server, opts) : new sio.Server(server, opts);

function takeAck(args) {
  return typeof args[args.length - 1] === "function" ? args.pop() : null;
}

function handlers(socket) {
  socket.emit("welcome", { from: "server" });
  // Echoes the event back; acks with ("got", how many args) when asked.
  socket.on("chat.message", (...args) => {
    const ack = takeAck(args);
    socket.emit("chat.message", ...args);
    if (ack) ack("got", args.length);
  });
  // Acks with the args it got.
  socket.on("echo", (...args) => {
    const ack = takeAck(args);
    if (ack) ack(...args);
  });
  // Asks us (an emit with an ack), then tells what we answered.
  socket.on("ask", (question) => {
    socket.emit("question", question, (...answer) => socket.emit("answered", ...answer));
  });
  // Answers binary with binary: the sizes of what it got, and 4 bytes.
  socket.on("bin", (...args) => {
    const ack = takeAck(args);
    const sizes = args.map((a) => (Buffer.isBuffer(a) ? a.length : -1));
    socket.emit("bin", Buffer.from([1, 2, 3, 255]), { sizes });
    if (ack) ack(sizes, Buffer.from([9, 8]));
  });
  socket.on("bye", () => socket.disconnect(true));
  // Blocks the server for `ms`: no heartbeats meanwhile.
  socket.on("stall", (ms) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {}
  });
  socket.on("flood", (n) => {
    for (let i = 0; i < n; i++) socket.emit("tick", i);
  });
}

io.on("connection", handlers);
const admin = io.of("/admin");
admin.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  const token = auth.token || socket.handshake.query.token;
  if (token === "good") next();
  else next(new Error("bad token"));
});
admin.on("connection", (socket) => {
  socket.emit("admin.hello", socket.handshake.auth || null);
  handlers(socket);
});

server.listen(0, "127.0.0.1", () => console.log("LISTENING " + server.address().port));
