import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { makePdf, pdfForm, setupForum } from "../forums/helpers.ts";
import { createStudio } from "../studios/helpers.ts";
import { filesOnDisk, streamUpload } from "./helpers.ts";

let server: TestServer;
const DECK_LIMIT = 300 * 1024;
const ATTACHMENT_LIMIT = 200 * 1024;
beforeAll(async () => {
  server = await startTestServer({
    MAX_DECK_BYTES: String(DECK_LIMIT),
    MAX_ATTACHMENT_BYTES: String(ATTACHMENT_LIMIT),
  });
});
afterAll(() => server?.close());

describe("uploads stream and are cut off at the limit", () => {
  it("a chunked deck upload is answered 413 while the client is still sending, and nothing stays on disk", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const before = await filesOnDisk(server);
    const pdf = await makePdf(1);
    // 64 slices of 64 KB = 4 MB offered against a 300 KB limit
    const res = await streamUpload(server, `/api/forums/${forum.id}/talks/${talkA.id}/deck`, presenterA.client.cookie, {
      slices: 64,
      sliceBytes: 64 * 1024,
      firstBytes: pdf,
    });
    if (!res.reset) {
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe("too_large");
    }
    expect(res.cutOff).toBe(true);
    expect(res.sentBeforeResponse).toBeLessThan(2 * 1024 * 1024);
    expect(await filesOnDisk(server)).toEqual(before);
    expect((await presenterA.client.get(`/api/forums/${forum.id}`)).body.forum.talks[0].deck).toBeNull();
  });

  it("a declared Content-Length over the limit is refused before any byte of the body is read", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const before = await filesOnDisk(server);
    const res = await streamUpload(server, `/api/forums/${forum.id}/talks/${talkA.id}/deck`, presenterA.client.cookie, {
      slices: 200,
      sliceBytes: 64 * 1024,
      declaredLength: 50 * 1024 * 1024,
    });
    if (!res.reset) expect(res.status).toBe(413);
    expect(res.cutOff).toBe(true);
    expect(res.sentBeforeResponse).toBeLessThan(1024 * 1024);
    expect(await filesOnDisk(server)).toEqual(before);
  });

  it("a chunked attachment over its limit is cut off the same way", async () => {
    const { studio, mentor } = await createStudio(server, { menteeCount: 2 });
    const before = await filesOnDisk(server);
    const res = await streamUpload(server, `/api/studios/${studio.id}/attachments`, mentor.client.cookie, {
      slices: 64,
      sliceBytes: 64 * 1024,
      firstBytes: await makePdf(1),
    });
    if (!res.reset) expect(res.status).toBe(413);
    expect(res.cutOff).toBe(true);
    expect(await filesOnDisk(server)).toEqual(before);
  });
});

describe("a deck must really be a PDF", () => {
  it("refuses a PNG renamed .pdf, a file that only starts with %PDF, and a truncated PDF, leaving nothing behind", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const url = `/api/forums/${forum.id}/talks/${talkA.id}/deck`;
    const before = await filesOnDisk(server);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200).fill(0)]);
    expect((await presenterA.client.post(url, pdfForm(png, "slides.pdf"))).status).toBe(400);

    const onlyHeader = new TextEncoder().encode(`%PDF-1.7\n${"这不是演示文稿 ".repeat(2000)}\n%%EOF\n`);
    const fake = await presenterA.client.post(url, pdfForm(onlyHeader, "fake.pdf"));
    expect(fake.status).toBe(400);
    expect(fake.body.error.message).toContain("不是有效的 PDF");

    const real = await makePdf(3);
    const truncated = await presenterA.client.post(url, pdfForm(real.slice(0, Math.floor(real.length / 3)), "cut.pdf"));
    expect(truncated.status).toBe(400);

    expect(await filesOnDisk(server)).toEqual(before);
    expect((await presenterA.client.get(`/api/forums/${forum.id}`)).body.forum.talks[0].deck).toBeNull();
  });

  it("stores the file name sanitised and counts pages in the worker", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const res = await presenterA.client.post(
      `/api/forums/${forum.id}/talks/${talkA.id}/deck`,
      pdfForm(await makePdf(5), "../汇报\u202Egnp.材料"),
    );
    expect(res.body).toMatchObject({ talk: { deck: { pageCount: 5 } } });
    expect(res.body.talk.deck.fileName).toBe("汇报_gnp.pdf");
  });
});

describe("files are served as ranged, cacheable, sandboxed streams", () => {
  it("deck: Range, ETag, 304, content type, sandbox and a safe Content-Disposition", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const viewer = await createUser(server, { role: "resident" });
    const pdf = await makePdf(4);
    const up = await presenterA.client.post(
      `/api/forums/${forum.id}/talks/${talkA.id}/deck`,
      pdfForm(pdf, "Q3 汇报;x.pdf"),
    );
    expect(up.status).toBe(201);
    const url = server.url + up.body.talk.deck.url;
    const headers = { cookie: viewer.client.cookie };

    const whole = await fetch(url, { headers });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("application/pdf");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("content-security-policy")).toContain("sandbox");
    expect(whole.headers.get("x-content-type-options")).toBe("nosniff");
    expect(whole.headers.get("cache-control")).toContain("private");
    expect(whole.headers.get("content-disposition")).toBe(
      `inline; filename="Q3 ___x.pdf"; filename*=UTF-8''${encodeURIComponent("Q3 汇报;x.pdf")}`,
    );
    const etag = whole.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(pdf);

    const part = await fetch(url, { headers: { ...headers, range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${pdf.byteLength}`);
    expect(part.headers.get("content-length")).toBe("100");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(pdf.slice(100, 200));

    const tail = await fetch(url, { headers: { ...headers, range: "bytes=-10" } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(pdf.slice(-10));
    expect((await fetch(url, { headers: { ...headers, range: `bytes=${pdf.byteLength}-` } })).status).toBe(416);

    const cached = await fetch(url, { headers: { ...headers, "if-none-match": etag! } });
    expect(cached.status).toBe(304);
    expect((await fetch(url)).status).toBe(401);
  });

  it("attachment: Range and the same sandbox headers", async () => {
    const { studio, mentor, mentees } = await createStudio(server, { menteeCount: 2 });
    const pdf = await makePdf(2);
    const form = new FormData();
    form.append("file", new Blob([pdf as BlobPart]), "材料.pdf");
    const up = await mentor.client.post(`/api/studios/${studio.id}/attachments`, form);
    expect(up.status).toBe(201);
    const res = await fetch(server.url + up.body.attachment.url, {
      headers: { cookie: mentees[0]!.client.cookie, range: "bytes=0-7" },
    });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).toString("latin1")).toBe(
      Buffer.from(pdf.slice(0, 8)).toString("latin1"),
    );
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{64}"$/);
  });
});
