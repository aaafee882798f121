import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../shared/enums.ts";
import { type ApiClient, connectSocket, createUser, emitAck, type TestUser, uniqueName } from "./helpers/clients.ts";
import { startTestServer, type TestServer } from "./helpers/server.ts";

/**
 * The authorization table: who (a set of roles, and a street for street admins) may do what, over
 * REST and Socket.IO. Each cell runs against fresh fixtures, so cells don't depend on each other.
 * Later features add their rows to ACTIONS and their people to ACTORS.
 */
let server: TestServer;
let organiser: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  organiser = await createUser(server, { role: "organiser" });
});
afterAll(() => server?.close());

type Actor = { name: string; roles: Role[]; streetId?: string; communityId?: string };
const ACTORS: Actor[] = [
  { name: "admin", roles: ["admin"] },
  { name: "organiser", roles: ["organiser"] },
  { name: "street_admin(城中)", roles: ["street_admin"], streetId: "chengzhong" },
  { name: "secretary", roles: ["secretary"], communityId: "wuxing" },
  { name: "mentor", roles: ["mentor"], communityId: "wuxing" },
  { name: "secretary+mentor", roles: ["secretary", "mentor"], communityId: "wuxing" },
  { name: "veteran", roles: ["veteran"] },
  { name: "worker", roles: ["worker"], communityId: "wuxing" },
  { name: "resident", roles: ["resident"] },
  {
    name: "street_admin+secretary(城中)",
    roles: ["street_admin", "secretary"],
    streetId: "chengzhong",
    communityId: "wuxing",
  },
];

/** An action returns whether it was allowed (2xx / ack ok) or refused (403 / forbidden ack). */
type Outcome = "allowed" | "refused";
const rest = (status: number): Outcome => {
  if (status >= 200 && status < 300) return "allowed";
  if (status === 403) return "refused";
  throw new Error(`unexpected status ${status}`);
};
const ack = (res: { ok: boolean; error?: { code: string } }): Outcome => {
  if (res.ok) return "allowed";
  if (res.error?.code === "forbidden") return "refused";
  throw new Error(`unexpected ack ${JSON.stringify(res)}`);
};

const at = () => new Date(Date.now() + 3600_000).toISOString();
const forumIn = async (streetId: string | null) =>
  (await organiser.client.post("/api/forums", { title: "授权测试论坛", mode: "forum", startsAt: at(), streetId })).body
    .forum.id as string;
const eventIn = async (streetId: string | null) =>
  (await organiser.client.post("/api/qa/events", { title: "授权测试问答", startsAt: at(), pull: 0, streetId })).body
    .state.event.id as string;
const personIn = async (communityId: string) => (await createUser(server, { role: "worker", communityId })).user.id;
async function studioBody(communityId: string) {
  const mentor = await createUser(server, { role: "mentor", communityId });
  const mentees = await Promise.all([1, 2].map(() => createUser(server, { role: "secretary", communityId })));
  return { name: `工作室${uniqueName()}`, mentorId: mentor.user.id, menteeIds: mentees.map((m) => m.user.id) };
}
async function withSocket<T>(
  client: ApiClient,
  run: (socket: Awaited<ReturnType<typeof connectSocket>>) => Promise<T>,
): Promise<T> {
  const socket = await connectSocket(server, client);
  try {
    return await run(socket);
  } finally {
    socket.close();
  }
}

const A = "allowed" as const;
const R = "refused" as const;
type Row = { action: string; run: (me: TestUser) => Promise<Outcome>; expect: Record<string, Outcome> };
/** Column order follows ACTORS. */
const row = (action: string, run: Row["run"], outcomes: Outcome[]): Row => ({
  action,
  run,
  expect: Object.fromEntries(ACTORS.map((a, i) => [a.name, outcomes[i]!])),
});

const ACTIONS: Row[] = [
  //                                                                                  adm org str sec men s+m vet wrk res str+sec
  row("REST GET /api/users", async (me) => rest((await me.client.get("/api/users")).status), [
    A,
    A,
    A,
    R,
    R,
    R,
    R,
    R,
    R,
    A,
  ]),
  row(
    "REST POST /api/users (a worker of 城中)",
    async (me) =>
      rest(
        (
          await me.client.post("/api/users", {
            username: uniqueName("az"),
            displayName: "新人",
            roles: ["worker"],
            communityId: "wuxing",
          })
        ).status,
      ),
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row(
    "REST POST /api/users (a worker of 河东)",
    async (me) =>
      rest(
        (
          await me.client.post("/api/users", {
            username: uniqueName("az"),
            displayName: "新人",
            roles: ["worker"],
            communityId: "hedong-1",
          })
        ).status,
      ),
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST POST /api/users (an organiser)",
    async (me) =>
      rest(
        (await me.client.post("/api/users", { username: uniqueName("az"), displayName: "新人", roles: ["organiser"] }))
          .status,
      ),
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST POST /api/users (an admin)",
    async (me) =>
      rest(
        (await me.client.post("/api/users", { username: uniqueName("az"), displayName: "新人", roles: ["admin"] }))
          .status,
      ),
    [A, R, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST PATCH /api/users/:id flags (城中 person)",
    async (me) =>
      rest((await me.client.patch(`/api/users/${await personIn("wuxing")}`, { flags: ["generalist"] })).status),
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row(
    "REST PATCH /api/users/:id roles → street_admin (城中 person)",
    async (me) =>
      rest(
        (
          await me.client.patch(`/api/users/${await personIn("wuxing")}`, {
            roles: ["street_admin"],
            streetId: "chengzhong",
          })
        ).status,
      ),
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST POST /api/users/:id/reset-password (河东 person)",
    async (me) => rest((await me.client.post(`/api/users/${await personIn("hedong-1")}/reset-password`)).status),
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST POST /api/users/:id/reset-password (城中 person)",
    async (me) => rest((await me.client.post(`/api/users/${await personIn("wuxing")}/reset-password`)).status),
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row("REST GET /api/audit", async (me) => rest((await me.client.get("/api/audit")).status), [
    A,
    A,
    R,
    R,
    R,
    R,
    R,
    R,
    R,
    R,
  ]),
  row(
    "REST POST /api/forums",
    async (me) =>
      rest((await me.client.post("/api/forums", { title: "新论坛", mode: "forum", startsAt: at() })).status),
    [A, A, A, A, R, A, R, R, R, A],
  ),
  row(
    "socket forum:control start (城中 forum, another host)",
    async (me) => {
      const forumId = await forumIn("chengzhong");
      return withSocket(me.client, async (s) => ack(await emitAck(s, "forum:control", { forumId, action: "start" })));
    },
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row(
    "socket forum:control start (河东 forum)",
    async (me) => {
      const forumId = await forumIn("hedong");
      return withSocket(me.client, async (s) => ack(await emitAck(s, "forum:control", { forumId, action: "start" })));
    },
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "socket forum:control start (district forum)",
    async (me) => {
      const forumId = await forumIn(null);
      return withSocket(me.client, async (s) => ack(await emitAck(s, "forum:control", { forumId, action: "start" })));
    },
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST POST /api/studios (城中 people)",
    async (me) => rest((await me.client.post("/api/studios", await studioBody("wuxing"))).status),
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row(
    "REST POST /api/studios (河东 people)",
    async (me) => rest((await me.client.post("/api/studios", await studioBody("hedong-2"))).status),
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST POST /api/studios/:id/members (城中 studio, 城中 secretary)",
    async (me) => {
      const studio = (
        await organiser.client.post("/api/studios", { ...(await studioBody("wuxing")), streetId: "chengzhong" })
      ).body.studio;
      const newcomer = await createUser(server, { role: "secretary", communityId: "wuxing" });
      return rest((await me.client.post(`/api/studios/${studio.id}/members`, { userId: newcomer.user.id })).status);
    },
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row(
    "REST DELETE /api/studios/:id/members/:userId (district studio)",
    async (me) => {
      const body = await studioBody("wuxing");
      const newcomer = await createUser(server, { role: "secretary", communityId: "wuxing" });
      const studio = (
        await organiser.client.post("/api/studios", { ...body, menteeIds: [...body.menteeIds, newcomer.user.id] })
      ).body.studio;
      return rest((await me.client.delete(`/api/studios/${studio.id}/members/${newcomer.user.id}`)).status);
    },
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row("REST GET /api/studios?scope=all", async (me) => rest((await me.client.get("/api/studios?scope=all")).status), [
    A,
    A,
    A,
    R,
    R,
    R,
    R,
    R,
    R,
    A,
  ]),
  row(
    "REST POST /api/qa/events",
    async (me) => rest((await me.client.post("/api/qa/events", { title: "新问答", startsAt: at(), pull: 0 })).status),
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row(
    "socket qa:control start (城中 event)",
    async (me) => {
      const eventId = await eventIn("chengzhong");
      return withSocket(me.client, async (s) => ack(await emitAck(s, "qa:control", { eventId, action: "start" })));
    },
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row(
    "socket qa:control start (district event)",
    async (me) => {
      const eventId = await eventIn(null);
      return withSocket(me.client, async (s) => ack(await emitAck(s, "qa:control", { eventId, action: "start" })));
    },
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST GET /api/dashboard (own scope)",
    async (me) => rest((await me.client.get("/api/dashboard?year=2026")).status),
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row(
    "REST GET /api/dashboard (河东)",
    async (me) => rest((await me.client.get("/api/dashboard?year=2026&streetId=hedong")).status),
    [A, A, R, R, R, R, R, R, R, R],
  ),
  row(
    "REST GET /api/dashboard/behind.xlsx (城中)",
    async (me) => rest((await me.client.get("/api/dashboard/behind.xlsx?year=2026&streetId=chengzhong")).status),
    [A, A, A, R, R, R, R, R, R, A],
  ),
  row("REST GET /api/moderation/words", async (me) => rest((await me.client.get("/api/moderation/words")).status), [
    A,
    A,
    R,
    R,
    R,
    R,
    R,
    R,
    R,
    R,
  ]),
];

describe("authorization table", () => {
  for (const actor of ACTORS) {
    it(`${actor.name}`, async () => {
      const me = await createUser(server, {
        roles: actor.roles,
        streetId: actor.streetId ?? null,
        communityId: actor.communityId ?? null,
      });
      const got: Record<string, Outcome> = {};
      const want: Record<string, Outcome> = {};
      for (const action of ACTIONS) {
        got[action.action] = await action.run(me);
        want[action.action] = action.expect[actor.name]!;
      }
      expect(got).toEqual(want);
    });
  }
});
