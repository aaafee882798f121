/**
 * Second baseline for bench/forum-fanout.bench.ts: Socket.IO itself, with nothing of ours — no
 * authentication, no parsing, no database. Every client joins one room; what the first client
 * ("presenter") sends is broadcast to the room. Beside the bare `ws` relay it splits the forum's
 * cost into Socket.IO's own per-socket delivery and what our server adds on top.
 */
import { createServer } from "node:http";
import { Server } from "socket.io";

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on("connection", (socket) => {
  void socket.join("room");
  socket.on("relay", (event: string, payload: unknown) => {
    if (event === "forum:slide" || event === "forum:chat") io.to("room").emit(event, payload);
  });
});
http.listen(0, "127.0.0.1", () => {
  const address = http.address() as { port: number };
  process.send!({ ready: true, url: `http://127.0.0.1:${address.port}` });
});
process.on("message", (msg: { cmd: string }) => {
  if (msg.cmd === "cpu") process.send!({ cpu: process.cpuUsage(), memory: process.memoryUsage().rss });
  if (msg.cmd === "stop") io.close(() => process.exit(0));
});
