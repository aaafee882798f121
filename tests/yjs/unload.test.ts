/**
 * A writer that sends its edits and closes at once has them all kept: the frames that arrived with
 * its close are still read, and the document is unloaded only once they are stored — someone
 * opening it again at that moment joins the copy in memory instead of a fresh load from storage
 * that would lack them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { eventually } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { documentSent, keystrokes, openRawDoc, syncStep1Frame, updateFrame } from "../helpers/yjsFrames.ts";
import { ownerWithProposal } from "../proposals/helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const ROUNDS = 6;
const KEYS = 400;

describe("a document left and opened again at once", () => {
  it("gives the one who opens it every edit the last one to leave had sent", async () => {
    const { owner, docName } = await ownerWithProposal(server);
    for (let round = 0; round < ROUNDS; round++) {
      const writerId = 9100 + round;
      const writer = await openRawDoc(server, owner.client.cookie, docName);
      for (const update of keystrokes(writerId, KEYS)) writer.send(updateFrame(update));
      writer.ws.close();
      // Opened while the server is still storing the writer's edits (it does not wait for the close).
      const reader = await openRawDoc(server, owner.client.cookie, docName);
      reader.send(syncStep1Frame(Y.encodeStateVector(new Y.Doc())));
      const writerClock = () =>
        Y.decodeStateVector(Y.encodeStateVector(documentSent(reader.received))).get(writerId) ?? 0;
      await eventually(() => writerClock() === KEYS, 5_000).catch(() => {});
      expect(writerClock(), `round ${round}: the writer's keystrokes the reader got`).toBe(KEYS);
      reader.ws.close();
      await eventually(() => server.ctx.yjs.openDocuments === 0);
    }
  });
});
