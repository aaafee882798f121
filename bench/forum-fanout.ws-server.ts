/**
 * Baseline for bench/forum-fanout.bench.ts: a bare `ws` server that relays every message from the
 * first client ("presenter") to every connected client — no auth, no parsing, no database.
 */
import { WebSocketServer, WebSocket } from "ws";

const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
wss.on("connection", (ws) => {
  ws.on("message", (data) => {
    const text = data.toString();
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
  });
});
wss.on("listening", () => {
  const address = wss.address() as { port: number };
  process.send!({ ready: true, url: `ws://127.0.0.1:${address.port}` });
});
process.on("message", (msg: { cmd: string }) => {
  if (msg.cmd === "cpu") process.send!({ cpu: process.cpuUsage(), memory: process.memoryUsage().rss });
  if (msg.cmd === "stop") wss.close(() => process.exit(0));
});
