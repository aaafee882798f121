import type { AddressInfo, Socket as NetSocket } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { Outbox } from "../../server/yjs/outbox.ts";
import { eventually } from "../helpers/clients.ts";

// The connection the server cuts for not reading says whose it was: the log line an operator
// reads after a complaint 「我的编辑断开了」 names the document and the user.

let wss: WebSocketServer;
beforeAll(async () => {
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => wss.once("listening", resolve));
});
afterAll(() => new Promise((resolve) => wss.close(resolve)));

it("a connection cut for not reading is logged with its document and user", async () => {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const outbox = new Outbox(1_000_000, log);

  const accepted = new Promise<WebSocket>((resolve) => wss.once("connection", resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once("open", resolve));
  (client as unknown as { _socket: NetSocket })._socket.pause();
  const ws = await accepted;
  outbox.label(ws, { doc: "proposal:42", userId: "u-7" });

  const chunk = new Uint8Array(100_000);
  // 100 × 100 KB: ten times the limit, far more than loopback's kernel buffers take in
  for (let i = 0; i < 100 && ws.readyState === ws.OPEN; i++) {
    outbox.send(ws, chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await eventually(() => ws.readyState === ws.CLOSED, 5_000);
  const cut = lines.find((line) => line.msg === "document connection dropped: it stopped reading");
  expect(cut).toMatchObject({ doc: "proposal:42", userId: "u-7" });
  expect(cut?.waiting).toBeGreaterThan(1_000_000);
  client.terminate();
});
