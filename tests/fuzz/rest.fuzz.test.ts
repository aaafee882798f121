import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, createUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ownerWithProposal } from "../proposals/helpers.ts";
import { createStudio, joinStudio, send } from "../studios/helpers.ts";
import { expectStillServing, FUZZ, fuzzReport, health, watchProcessErrors } from "./harness.ts";

const errors = watchProcessErrors();
const report = fuzzReport("REST routes");
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The concrete routes registered under /api (no middleware entries, no wildcards). */
function apiRoutes() {
  const seen = new Map<string, { method: string; path: string }>();
  for (const route of server.routes) {
    if (route.method === "ALL" || !route.path.startsWith("/api/") || route.path.includes("*")) continue;
    seen.set(`${route.method} ${route.path}`, route);
  }
  return [...seen.values()];
}

type Body = { contentType: string | null; body: BodyInit | undefined };

/** Bodies of every content type a client could send, well-formed or not. */
const bodies: fc.Arbitrary<Body> = fc.oneof(
  fc.jsonValue().map((v) => ({ contentType: "application/json", body: JSON.stringify(v) })),
  fc.string({ maxLength: 500 }).map((s) => ({ contentType: "application/json", body: s })),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 50 }), { maxKeys: 5 }).map((d) => ({
    contentType: "application/x-www-form-urlencoded",
    body: new URLSearchParams(d).toString(),
  })),
  fc
    .tuple(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 50 }), { maxKeys: 4 }),
      fc.uint8Array({ maxLength: 2000 }),
    )
    .map(([fields, file]) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append("file", new Blob([file as BlobPart], { type: "application/pdf" }), "模糊.pdf");
      return { contentType: null, body: form };
    }),
  fc.string({ maxLength: 500 }).map((s) => ({ contentType: "text/plain", body: s })),
  fc.uint8Array({ maxLength: 2000 }).map((b) => ({ contentType: "application/octet-stream", body: b as BodyInit })),
  fc
    .tuple(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 500 }))
    .map(([type, b]) => ({ contentType: type.replace(/[\r\n]/g, "") || "x/y", body: b as BodyInit })),
  fc.constant({
    contentType: "multipart/form-data; boundary=nope",
    body: '--nope\r\nContent-Disposition: form-data; name="file"\r\n\r\n%PDF-1.7 cut',
  }),
  fc.constant({ contentType: null, body: undefined }),
);

describe("fuzz: random bodies to every REST route", () => {
  it(
    "no body, content type or path parameter gets a 5xx or harms data the caller may not touch",
    async () => {
      const routes = apiRoutes();
      expect(routes.length).toBeGreaterThan(20);
      const admin = await createUser(server, { role: "admin" });
      const worker = await createUser(server, { role: "worker" });
      const control = await createStudio(server);
      const m = await joinStudio(server, control.mentor, control.studio.id);
      await send(m.socket, control.studio.id, "对照组的消息");
      m.socket.close();
      const otherProposal = await ownerWithProposal(server, "对照组项目");
      // The people the fuzzed paths can name (the rest of the table is other files' business: on
      // PostgreSQL, CI runs the files side by side on one database).
      const people = [admin.user.id, worker.user.id, control.mentor.user.id, otherProposal.owner.user.id];
      const person = async (id: string) => {
        const res = await admin.client.get(`/api/users/${id}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.user;
      };
      const snapshot = async () => ({
        users: await Promise.all(people.map(person)),
        messages: (await control.mentor.client.get(`/api/studios/${control.studio.id}/messages`)).body,
        proposal: (await otherProposal.owner.client.get(`/api/proposals/${otherProposal.proposal.id}`)).body,
        markdown: (await otherProposal.owner.client.get(`/api/proposals/${otherProposal.proposal.id}/export?format=md`))
          .body,
      });
      const dataBefore = await snapshot();
      const before = await health(server.url);
      const knownIds = [control.studio.id, otherProposal.proposal.id, admin.user.id, control.mentor.user.id];
      const param = fc.oneof(
        fc.constantFrom(...knownIds, "00000000-0000-4000-8000-000000000000"),
        fc.uuid(),
        fc.string({ maxLength: 40 }).map(encodeURIComponent),
        fc.constantFrom("%E0%A4%A", "..", "%00", "-1", "99999999999999999999", "null"),
      );
      const anonymous = new ApiClient(server.url);
      const failures: string[] = [];

      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          fc.array(param, { minLength: 4, maxLength: 4 }),
          bodies,
          fc.boolean(),
          fc.option(fc.string({ maxLength: 30 }).map(encodeURIComponent), { nil: undefined }),
          async (route, params, { contentType, body }, signedIn, query) => {
            report.tried += 1;
            let i = 0;
            const path =
              route.path.replace(/:[A-Za-z]+/g, () => params[i++ % params.length]!) +
              (query ? `?q=${query}&format=${query}` : "");
            const client = signedIn ? worker.client : anonymous;
            const headers: Record<string, string> = { origin: server.url };
            if (contentType) headers["content-type"] = contentType;
            if (client.cookie) headers.cookie = client.cookie;
            const hasBody = !["GET", "HEAD"].includes(route.method);
            const res = await fetch(server.url + path, {
              method: route.method,
              headers,
              body: hasBody ? body : undefined,
            });
            await res.arrayBuffer();
            if (res.status >= 500)
              failures.push(`${route.method} ${route.path} → ${res.status} (${path}, ${contentType})`);
            expect(res.status, `${route.method} ${path} (${contentType})`).toBeLessThan(500);
            // A fuzzed logout or password change may end the session: sign in again and go on.
            if (
              signedIn &&
              (res.headers.getSetCookie().some((c) => /^session=;|Max-Age=0/i.test(c)) || route.path.includes("logout"))
            ) {
              const again = await createUser(server, { role: "worker" });
              worker.client.cookie = again.client.cookie;
            }
          },
        ),
        { seed: FUZZ.seed, numRuns: FUZZ.runs(300) },
      );
      expect(failures).toEqual([]);
      await expectStillServing(server.url, before, errors);
      const dataAfter = await snapshot();
      expect(dataAfter.users).toEqual(dataBefore.users);
      expect(dataAfter.messages).toEqual(dataBefore.messages);
      expect(dataAfter.proposal).toEqual(dataBefore.proposal);
      expect(dataAfter.markdown).toEqual(dataBefore.markdown);
    },
    FUZZ.timeoutMs,
  );
});
