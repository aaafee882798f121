/**
 * A receiving client for the fan-out benchmark that speaks Socket.IO's wire protocol (engine.io 4,
 * socket.io 5, text frames only) over a plain `ws` connection, with one JSON.parse per message —
 * the same work per message as the bare relay's receivers. Why: 2,000 socket.io-client instances
 * in the one bench process spend more time decoding than the server spends sending, so with them
 * the latency comparison measured the client library, not the server. The presenter still uses
 * socket.io-client, so our server still talks to the real client.
 *
 * Handles what the benchmark needs and nothing more: the namespace connect, pings, events and acks.
 */
import WebSocket from "ws";

type Handler = (payload: any) => void;

export class LeanSocket {
  private readonly handlers = new Map<string, Handler>();
  private readonly acks = new Map<number, (reply: any) => void>();
  private nextAckId = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => this.onFrame(data.toString()));
  }

  /** Opens the WebSocket transport and the default namespace; rejects with the server's refusal. */
  static connect(url: string, cookie?: string, timeoutMs = 30_000): Promise<LeanSocket> {
    const wsUrl = `${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(wsUrl, { headers: cookie ? { cookie } : {} });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error("connect timeout")), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(error);
      };
      ws.once("error", fail);
      const onOpening = (data: WebSocket.RawData) => {
        const text = data.toString();
        if (text.startsWith("0")) return ws.send("40"); // engine.io open → connect the namespace
        ws.off("message", onOpening);
        clearTimeout(timer);
        if (text.startsWith("40")) return resolve(new LeanSocket(ws));
        fail(new Error(`refused: ${text}`));
      };
      ws.on("message", onOpening);
    });
  }

  on(event: string, handler: Handler): void {
    this.handlers.set(event, handler);
  }

  off(event: string): void {
    this.handlers.delete(event);
  }

  emitWithAck(event: string, payload: unknown, timeoutMs = 60_000): Promise<any> {
    const id = this.nextAckId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`no ack for ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.acks.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws.close();
  }

  private onFrame(text: string): void {
    if (text === "2") {
      this.ws.send("3"); // ping → pong
      return;
    }
    if (text.startsWith("42")) {
      const [event, payload] = JSON.parse(text.slice(2));
      this.handlers.get(event)?.(payload);
      return;
    }
    if (text.startsWith("43")) {
      const bracket = text.indexOf("[");
      const id = Number(text.slice(2, bracket));
      const ack = this.acks.get(id);
      this.acks.delete(id);
      ack?.(JSON.parse(text.slice(bracket))[0]);
    }
  }
}
