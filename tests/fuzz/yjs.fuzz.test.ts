import fc from "fast-check";
import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { connectDoc, eventually, type TestUser, waitForSync } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { openRawDoc, type RawDocSocket } from "../helpers/yjsFrames.ts";
import { addMember, docText, ownerWithProposal, sectionText } from "../proposals/helpers.ts";
import { expectStillServing, FUZZ, fuzzReport, health, watchProcessErrors } from "./harness.ts";

const errors = watchProcessErrors();
const report = fuzzReport("yjs frames");
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The server's current copy of a document. */
async function serverCopy(docName: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await server.ctx.yjs.encodeState(docName));
  return doc;
}

/** Valid frames of every kind a y-websocket client sends, made from a real edit of the document. */
function corpus(doc: Y.Doc): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const msg = (write: (e: encoding.Encoder) => void) => {
    const e = encoding.createEncoder();
    write(e);
    frames.push(encoding.toUint8Array(e));
  };
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(copy);
  sectionText(copy, "服务对象").insert(0, "模糊测试", { bold: true });
  sectionText(copy, "背景与问题").insert(0, "删掉一个字");
  sectionText(copy, "背景与问题").delete(0, 1);
  const edit = Y.encodeStateAsUpdate(copy, before);
  msg((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, copy);
  });
  msg((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, edit);
  });
  msg((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep2(e, copy, Y.encodeStateVector(doc));
  });
  const awareness = new awarenessProtocol.Awareness(copy);
  awareness.setLocalState({ user: { name: "模糊", color: "#123456" }, cursor: { anchor: 1, head: 2 } });
  msg((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [copy.clientID]));
  });
  msg((e) => encoding.writeVarUint(e, 3));
  awareness.destroy();
  copy.destroy();
  return frames;
}

/** Byte-level mutations of a valid frame: flips, insertions, deletions, truncation, splices. */
const mutated = (frames: Uint8Array[]) =>
  fc
    .tuple(
      fc.constantFrom(...frames),
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
          fc.record({ op: fc.constant("insert" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
          fc.record({ op: fc.constant("delete" as const), at: fc.nat(), byte: fc.constant(0) }),
          fc.record({ op: fc.constant("truncate" as const), at: fc.nat(), byte: fc.constant(0) }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([frame, ops]) => {
      let bytes = [...frame];
      for (const { op, at, byte } of ops) {
        const i = bytes.length === 0 ? 0 : at % (bytes.length + (op === "insert" ? 1 : 0));
        if (op === "set" && bytes.length > 0) bytes[i] = byte;
        else if (op === "insert") bytes.splice(i, 0, byte);
        else if (op === "delete") bytes.splice(i, 1);
        else bytes = bytes.slice(0, i);
      }
      return new Uint8Array(bytes);
    });

/** Frames with a valid envelope around random content (awareness JSON of any shape, random updates). */
const structured = fc.oneof(
  fc.tuple(fc.nat(), fc.nat(), fc.oneof(fc.json(), fc.string())).map(([client, clock, text]) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, 1);
    encoding.writeVarUint(inner, client);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, text);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
    return encoding.toUint8Array(e);
  }),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ maxLength: 300 })).map(([syncType, body]) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, syncType);
    encoding.writeVarUint8Array(e, body);
    return encoding.toUint8Array(e);
  }),
);

describe("fuzz: binary frames to /yjs/", () => {
  let owner: TestUser;
  let fuzzed: string;
  let untouched: { docName: string; text: string; proposalId: string };
  const who: Record<"viewer" | "editor", TestUser> = {} as never;

  beforeAll(async () => {
    const made = await ownerWithProposal(server);
    owner = made.owner;
    fuzzed = made.docName;
    who.viewer = await addMember(server, owner, made.proposal.id, "viewer");
    who.editor = await addMember(server, owner, made.proposal.id, "editor");
    const other = await ownerWithProposal(server, "不参与模糊测试的项目");
    const d = connectDoc(server, other.owner.client, other.docName);
    await waitForSync(d.provider);
    sectionText(d.doc, "服务对象").insert(0, "对照组内容");
    await eventually(async () => docText(await serverCopy(other.docName)).includes("对照组内容"));
    untouched = { docName: other.docName, text: docText(d.doc), proposalId: other.proposal.id };
    d.provider.destroy();
  });

  it(
    "no frame, random or mutated, as viewer or editor, stops the server or harms another document",
    async () => {
      const before = await health(server.url);
      const reference = connectDoc(server, owner.client, fuzzed);
      await waitForSync(reference.provider);
      const frames = corpus(reference.doc);
      const open: Partial<Record<"viewer" | "editor", RawDocSocket>> = {};
      const connection = async (role: "viewer" | "editor") => {
        const current = open[role];
        if (current && current.ws.readyState === current.ws.OPEN) return current;
        open[role] = await openRawDoc(server, who[role].client.cookie, fuzzed);
        return open[role]!;
      };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("viewer" as const, "editor" as const),
          fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated(frames), structured),
          async (role, frame) => {
            report.tried += 1;
            const raw = await connection(role);
            const seen = raw.received.length;
            raw.send(frame);
            // A query-awareness frame behind it: its answer (or the close) means the frame was handled.
            raw.send(new Uint8Array([3]));
            await Promise.race([raw.closed, eventually(() => raw.received.length > seen, 5_000, 2)]);
          },
        ),
        { seed: FUZZ.seed, numRuns: FUZZ.runs(250) },
      );
      for (const raw of Object.values(open)) raw?.ws.close();
      reference.provider.destroy();

      await expectStillServing(server.url, before, errors);
      // The fuzzed document still loads from storage and exports.
      await eventually(() => server.ctx.yjs.openDocuments === 0, 10_000);
      const fresh = connectDoc(server, owner.client, fuzzed);
      await waitForSync(fresh.provider);
      expect(docText(fresh.doc)).toContain("项目名称");
      fresh.provider.destroy();
      const proposalId = fuzzed.slice("proposal:".length);
      expect((await owner.client.get(`/api/proposals/${proposalId}/export?format=md`)).status).toBe(200);
      expect((await owner.client.post(`/api/proposals/${proposalId}/versions`, { name: "模糊测试之后" })).status).toBe(
        201,
      );
      // The other document is exactly as it was.
      expect(docText(await serverCopy(untouched.docName))).toBe(untouched.text);
    },
    FUZZ.timeoutMs,
  );
});
