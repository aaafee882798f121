import fc from "fast-check";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSocket, createUser, type TestSocket } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createStudio, joinStudio, send } from "../studios/helpers.ts";
import { clientEventNames, expectStillServing, FUZZ, fuzzReport, health, watchProcessErrors } from "./harness.ts";

const errors = watchProcessErrors();
const report = fuzzReport("socket events");
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const ID = "00000000-0000-4000-8000-000000000000";

/** Payloads near the real shapes (the right keys with wrong or edge values) and anything at all. */
function payloads(knownIds: string[]) {
  const id = fc.oneof(
    fc.constantFrom(ID, ...knownIds),
    fc.uuid(),
    fc.string({ maxLength: 80 }),
    fc.integer(),
    fc.constant(null),
  );
  const value = fc.oneof(
    id,
    fc.string({ maxLength: 3000 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.anything(), { maxLength: 5 }),
  );
  const near = fc.dictionary(
    fc.constantFrom(
      "forumId",
      "studioId",
      "eventId",
      "talkId",
      "questionId",
      "messageId",
      "taskId",
      "text",
      "clientId",
      "action",
      "slide",
      "anonymous",
      "typing",
      "seq",
      "lastSeq",
      "changedSince",
      "scores",
      "order",
      "pinned",
      "state",
      "title",
      "assigneeId",
    ),
    value,
    { maxKeys: 6 },
  );
  return fc.oneof(
    near,
    fc.anything({ maxDepth: 3 }),
    fc.json().map((j) => JSON.parse(j) as unknown),
  );
}

describe("fuzz: every client→server Socket.IO event", () => {
  it(
    "random payloads to every event are acknowledged or ignored; nothing crashes; other studios' messages are unchanged",
    async () => {
      const events = clientEventNames();
      expect(events).toEqual(
        expect.arrayContaining(["forum:join", "studio:send", "qa:control", "studio:typing", "forum:vote"]),
      );
      const control = await createStudio(server);
      const member = await joinStudio(server, control.mentor, control.studio.id);
      await send(member.socket, control.studio.id, "对照组的消息");
      member.socket.close();
      const messagesBefore = (await control.mentor.client.get(`/api/studios/${control.studio.id}/messages`)).body;

      const before = await health(server.url);
      const worker = await createUser(server, { role: "worker" });
      const admin = await createUser(server, { role: "admin" });
      const sockets: Record<string, TestSocket> = {};
      const socketOf = async (who: "worker" | "admin") => {
        const current = sockets[who];
        if (current?.connected) return current;
        sockets[who] = await connectSocket(server, who === "worker" ? worker.client : admin.client);
        return sockets[who]!;
      };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("worker" as const, "admin" as const),
          fc.constantFrom(...events),
          payloads([control.studio.id]),
          fc.constantFrom("ack", "no-ack", "extra-args"),
          async (who, event, payload, style) => {
            report.tried += 1;
            const socket = (await socketOf(who)) as unknown as Socket;
            if (style === "no-ack") {
              socket.emit(event, payload);
              return;
            }
            const args = style === "extra-args" ? [payload, "extra", 42] : [payload];
            const ack = (await socket.timeout(5_000).emitWithAck(event, ...args)) as {
              ok: boolean;
              error?: { code: string };
            };
            // A bad payload costs its sender one error, in the contract's shape — never a crash, never silence.
            expect(typeof ack.ok).toBe("boolean");
            if (!ack.ok) expect(ack.error?.code).toMatch(/^[a-z_]+$/);
            if (!ack.ok) expect(ack.error?.code).not.toBe("internal");
          },
        ),
        { seed: FUZZ.seed, numRuns: FUZZ.runs(400) },
      );
      for (const s of Object.values(sockets)) s.close();

      await expectStillServing(server.url, before, errors);
      expect((await control.mentor.client.get(`/api/studios/${control.studio.id}/messages`)).body).toEqual(
        messagesBefore,
      );
    },
    FUZZ.timeoutMs,
  );
});
