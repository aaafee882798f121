import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { forumDecks } from "../../server/forums/schema.ts";
import { storedFiles } from "../../server/files/schema.ts";
import { studioAttachments, studioMessages } from "../../server/studios/schema.ts";
import { sweepUnsentAttachments } from "../../server/studios/attachments.ts";
import { seedOrg } from "../../server/db/seed.ts";
import { ApiClient } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { makePdf, pdfForm, setupForum } from "../forums/helpers.ts";
import { clientId, createStudio, joinStudio, send } from "../studios/helpers.ts";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A server on a data directory of its own that survives close (restarts), on PGlite or PostgreSQL. */
async function durableServer(dataDir?: string): Promise<TestServer & { dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "forum-files-"));
  if (dataDir) return startTestServer({}, { dataDir: dir });
  dirs.push(dir);
  const server = await startTestServer({}, { dataDir: dir });
  await seedOrg(server.ctx.db);
  return server;
}

/** The same signed-in person talking to the restarted server (its port changed; the session is in the database). */
function again(server: TestServer, cookie: string): ApiClient {
  const client = new ApiClient(server.url);
  client.cookie = cookie;
  return client;
}

async function bytesOf(server: TestServer, url: string, cookie: string): Promise<Uint8Array> {
  const res = await fetch(server.url + url, { headers: { cookie } });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

describe("files outlive restarts and the move out of the database", () => {
  it("a restart keeps every deck and attachment", async () => {
    let server = await durableServer();
    const { forum, presenterA, talkA } = await setupForum(server);
    const { studio, mentor } = await createStudio(server);
    const pdf = await makePdf(2);
    const deck = await presenterA.client.post(
      `/api/forums/${forum.id}/talks/${talkA.id}/deck`,
      pdfForm(pdf, "汇报.pdf"),
    );
    const form = new FormData();
    form.append("file", new Blob([PNG]), "照片.png");
    const attachment = await mentor.client.post(`/api/studios/${studio.id}/attachments`, form);
    expect([deck.status, attachment.status]).toEqual([201, 201]);
    await server.close();

    server = await durableServer(server.dataDir);
    try {
      expect(await bytesOf(server, deck.body.talk.deck.url, presenterA.client.cookie)).toEqual(pdf);
      expect(Buffer.from(await bytesOf(server, attachment.body.attachment.url, mentor.client.cookie))).toEqual(PNG);
    } finally {
      await server.close();
    }
  }, 120_000);

  it("decks and attachments stored inside the database by an older version move out at start and stay readable", async () => {
    let server = await durableServer();
    const { forum, presenterA, talkA } = await setupForum(server);
    const { studio, mentor } = await createStudio(server);
    const pdf = await makePdf(3);
    // as the previous version wrote them: the bytes in a bytea column, no stored file
    await server.ctx.db.insert(forumDecks).values({
      talkId: talkA.id,
      fileName: "旧.pdf",
      size: pdf.byteLength,
      pageCount: 3,
      data: pdf,
      uploadedBy: presenterA.user.id,
    });
    const [old] = await server.ctx.db
      .insert(studioAttachments)
      .values({
        studioId: studio.id,
        uploaderId: mentor.user.id,
        name: "旧照片.png",
        mime: "image/png",
        size: PNG.byteLength,
        data: PNG,
      })
      .returning({ id: studioAttachments.id });
    await server.close();

    server = await durableServer(server.dataDir);
    try {
      const [deckRow] = await server.ctx.db.select().from(forumDecks).where(eq(forumDecks.talkId, talkA.id));
      expect(deckRow!.data).toBeNull();
      expect(deckRow!.fileSha256).toMatch(/^[0-9a-f]{64}$/);
      const [attRow] = await server.ctx.db.select().from(studioAttachments).where(eq(studioAttachments.id, old!.id));
      expect(attRow!.data).toBeNull();

      const got = await again(server, presenterA.client.cookie).get(`/api/forums/${forum.id}`);
      expect(await bytesOf(server, got.body.forum.talks[0].deck.url, presenterA.client.cookie)).toEqual(pdf);
      const attUrl = `/api/studios/${studio.id}/attachments/${old!.id}`;
      expect(Buffer.from(await bytesOf(server, attUrl, mentor.client.cookie))).toEqual(PNG);
    } finally {
      await server.close();
    }
    // running the step again (next start) finds nothing left to move and changes nothing
    server = await durableServer(server.dataDir);
    try {
      const [again] = await server.ctx.db.select().from(forumDecks).where(eq(forumDecks.talkId, talkA.id));
      expect(again!.data).toBeNull();
      expect(
        Buffer.from(await bytesOf(server, `/api/studios/${studio.id}/attachments/${old!.id}`, mentor.client.cookie)),
      ).toEqual(PNG);
    } finally {
      await server.close();
    }
  }, 120_000);

  it("a replaced deck and an attachment never sent are deleted after the grace period; what is in use stays", async () => {
    const server = await startTestServer();
    try {
      const { forum, presenterA, talkA } = await setupForum(server);
      const { studio, mentor } = await createStudio(server);
      const url = `/api/forums/${forum.id}/talks/${talkA.id}/deck`;
      const first = await makePdf(1);
      await presenterA.client.post(url, pdfForm(first));
      const [firstRow] = await server.ctx.db.select().from(forumDecks).where(eq(forumDecks.talkId, talkA.id));
      const replaced = await presenterA.client.post(url, pdfForm(await makePdf(2)));
      expect(replaced.status).toBe(201);

      const sentForm = new FormData();
      sentForm.append("file", new Blob([PNG]), "sent.png");
      const sent = await mentor.client.post(`/api/studios/${studio.id}/attachments`, sentForm);
      const m = await joinStudio(server, mentor, studio.id);
      expect(
        (await send(m.socket, studio.id, "看图", { attachmentId: sent.body.attachment.id, clientId: clientId() })).ok,
      ).toBe(true);
      m.socket.close();
      const unsentForm = new FormData();
      unsentForm.append("file", new Blob([(await makePdf(4)) as BlobPart]), "unsent.pdf");
      const unsent = await mentor.client.post(`/api/studios/${studio.id}/attachments`, unsentForm);

      // within the grace period nothing goes
      expect(await sweepUnsentAttachments(server.ctx, 60 * 60 * 1000)).toBe(0);
      await server.ctx.files.sweep(60 * 60 * 1000);
      expect(
        await server.ctx.db.select().from(storedFiles).where(eq(storedFiles.sha256, firstRow!.fileSha256!)),
      ).toHaveLength(1);

      // past it, the unsent attachment and the replaced deck's bytes are deleted (a 2 s grace: on a
      // shared PostgreSQL, other test files' uploads in flight are younger than that and must stay)
      await new Promise((r) => setTimeout(r, 2500));
      expect(await sweepUnsentAttachments(server.ctx, 2000)).toBeGreaterThanOrEqual(1);
      await server.ctx.files.sweep(2000);
      expect(
        await server.ctx.db.select().from(storedFiles).where(eq(storedFiles.sha256, firstRow!.fileSha256!)),
      ).toHaveLength(0);
      expect(
        (await mentor.client.get(`/api/studios/${studio.id}/attachments/${unsent.body.attachment.id}`)).status,
      ).toBe(404);

      // the current deck and the sent attachment are still served
      const current = await presenterA.client.get(`/api/forums/${forum.id}`);
      expect(
        (
          await fetch(server.url + current.body.forum.talks[0].deck.url, {
            headers: { cookie: presenterA.client.cookie },
          })
        ).status,
      ).toBe(200);
      const sentBytes = await fetch(server.url + sent.body.attachment.url, {
        headers: { cookie: mentor.client.cookie },
      });
      expect(Buffer.from(await sentBytes.arrayBuffer())).toEqual(PNG);
      expect(
        await server.ctx.db
          .select()
          .from(studioMessages)
          .where(eq(studioMessages.attachmentId, sent.body.attachment.id)),
      ).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 120_000);
});
