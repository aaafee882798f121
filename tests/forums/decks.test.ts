import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, emitAck, nextEvent } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { joinForum, makePdf, pdfForm, setupForum } from "./helpers.ts";

let server: TestServer;
const LIMIT = 200 * 1024;
beforeAll(async () => {
  server = await startTestServer({ MAX_DECK_BYTES: String(LIMIT) });
});
afterAll(() => server?.close());

describe("slide decks", () => {
  it("the presenter uploads a PDF; members fetch the same bytes; everyone in the room hears of it", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const viewer = await createUser(server, { role: "resident" });
    const v = await joinForum(server, viewer.client, forum.id);
    // the PDF is parsed in a worker thread before it is accepted: generous on a loaded machine
    const announced = nextEvent(v.socket, "forum:state", 30_000);
    const pdf = await makePdf(3);
    const res = await presenterA.client.post(
      `/api/forums/${forum.id}/talks/${talkA.id}/deck`,
      pdfForm(pdf, "协商六步法.pdf"),
    );
    expect(res.status).toBe(201);
    expect(res.body.talk.deck).toMatchObject({ fileName: "协商六步法.pdf", pageCount: 3, size: pdf.byteLength });
    const state = await announced;
    expect(state.forum.talks[0].deck.url).toBe(res.body.talk.deck.url);

    const got = await fetch(server.url + res.body.talk.deck.url, { headers: { cookie: viewer.client.cookie } });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/pdf");
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(new Uint8Array(pdf));
    // pdf.js asks for byte ranges so a phone loads only what the page on screen needs
    const part = await fetch(server.url + res.body.talk.deck.url, {
      headers: { cookie: viewer.client.cookie, range: "bytes=5-14" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 5-14/${pdf.byteLength}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(new Uint8Array(pdf).slice(5, 15));
    const tail = await fetch(server.url + res.body.talk.deck.url, {
      headers: { cookie: viewer.client.cookie, range: "bytes=-4" },
    });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(new Uint8Array(pdf).slice(-4));
    const beyond = await fetch(server.url + res.body.talk.deck.url, {
      headers: { cookie: viewer.client.cookie, range: `bytes=${pdf.byteLength}-` },
    });
    expect(beyond.status).toBe(416);
    const anonymous = await fetch(server.url + res.body.talk.deck.url);
    expect(anonymous.status).toBe(401);
    v.socket.close();
  });

  it("slides beyond the deck's last page are refused", async () => {
    const { forum, host, presenterA, talkA } = await setupForum(server);
    await presenterA.client.post(`/api/forums/${forum.id}/talks/${talkA.id}/deck`, pdfForm(await makePdf(2)));
    const h = await joinForum(server, host.client, forum.id);
    await emitAck(h.socket, "forum:control", { forumId: forum.id, action: "start" });
    expect((await emitAck(h.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 2 })).ok).toBe(true);
    expect(await emitAck(h.socket, "forum:slide", { forumId: forum.id, talkId: talkA.id, slide: 3 })).toMatchObject({
      ok: false,
      error: { code: "invalid_input" },
    });
    h.socket.close();
  });

  it("a renamed non-PDF is refused by its content, oversize is 413, strangers may not upload", async () => {
    const { forum, presenterA, presenterB, talkA } = await setupForum(server);
    const url = `/api/forums/${forum.id}/talks/${talkA.id}/deck`;
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200).fill(0)]);
    const renamed = await presenterA.client.post(url, pdfForm(png, "slides.pdf"));
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.code).toBe("invalid_input");
    const text = await presenterA.client.post(url, pdfForm(new TextEncoder().encode("%PDX not really a pdf"), "x.pdf"));
    expect(text.status).toBe(400);

    const big = new Uint8Array(LIMIT + 1024);
    big.set(await makePdf(1));
    const oversize = await presenterA.client.post(url, pdfForm(big, "big.pdf"));
    expect(oversize.status).toBe(413);
    expect(oversize.body.error.code).toBe("too_large");
    // a body that lies about its length is still cut off while reading
    const lying = await fetch(server.url + url, {
      method: "POST",
      headers: { cookie: presenterA.client.cookie, "content-type": "multipart/form-data; boundary=xyz" },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(64 * 1024));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(lying.status).toBe(413);

    const stranger = await presenterB.client.post(url, pdfForm(await makePdf(1)));
    expect(stranger.status).toBe(403);
    const stillNone = await presenterA.client.get(`/api/forums/${forum.id}`);
    expect(stillNone.body.forum.talks[0].deck).toBeNull();
  });
});
