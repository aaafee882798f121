import PptxGenJS from "pptxgenjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeckProgress } from "../../shared/forums.ts";
import { findSoffice } from "../../server/files/convert.ts";
import { connectSocket } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { pdfForm, setupForum } from "../forums/helpers.ts";

/** A real PowerPoint file of `slides` slides, made the way a presenter's deck would be. */
async function makePptx(slides: number): Promise<Uint8Array> {
  const pptx = new PptxGenJS();
  for (let i = 1; i <= slides; i++)
    pptx.addSlide().addText(`第 ${i} 页：楼道议事会`, { x: 1, y: 1, w: 8, h: 1, fontSize: 32 });
  return new Uint8Array((await pptx.write({ outputType: "nodebuffer" })) as Buffer);
}

function pptxForm(bytes: Uint8Array, name: string): FormData {
  const form = new FormData();
  form.append(
    "file",
    new Blob([bytes as BlobPart], {
      type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }),
    name,
  );
  return form;
}

const soffice = findSoffice(process.env.SOFFICE_PATH);
if (!soffice)
  console.warn(
    "⚠ LibreOffice (soffice) is not installed: the .pptx conversion test is SKIPPED (apt-get install libreoffice-impress)",
  );

describe.skipIf(!soffice)("Office decks are converted to PDF by LibreOffice", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it("a .pptx becomes a PDF with one page per slide; the uploader hears the queue and conversion steps", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const socket = await connectSocket(server, presenterA.client);
    const steps: DeckProgress["step"][] = [];
    socket.on("forum:deckProgress", (p) => steps.push(p.step));
    const res = await presenterA.client.post(
      `/api/forums/${forum.id}/talks/${talkA.id}/deck`,
      pptxForm(await makePptx(4), "楼道议事.pptx"),
    );
    expect(res.body).toMatchObject({ talk: { deck: { fileName: "楼道议事.pdf", pageCount: 4 } } });
    const pdf = await fetch(server.url + res.body.talk.deck.url, { headers: { cookie: presenterA.client.cookie } });
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString("latin1"),
    ).toBe("%PDF-");
    expect(steps).toEqual(["queued", "converting"]);
    socket.close();
  }, 180_000);

  it("a broken .pptx is refused with a clear Chinese message", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const good = await makePptx(1);
    // a zip that claims to be a deck but whose slide parts are cut away
    const broken = good.slice(0, Math.floor(good.byteLength / 2));
    const res = await presenterA.client.post(
      `/api/forums/${forum.id}/talks/${talkA.id}/deck`,
      pptxForm(broken, "坏.pptx"),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.error.message).toMatch(/PDF|演示文稿/);
  }, 180_000);
});

describe("without LibreOffice", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SOFFICE_PATH: "/nonexistent/soffice" });
  });
  afterAll(() => server?.close());

  it("an Office deck is refused with 「服务器未安装 LibreOffice，请上传 PDF」 and PDFs still work", async () => {
    const { forum, presenterA, talkA } = await setupForum(server);
    const url = `/api/forums/${forum.id}/talks/${talkA.id}/deck`;
    const res = await presenterA.client.post(url, pptxForm(await makePptx(2), "汇报.pptx"));
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ code: "converter_missing", message: "服务器未安装 LibreOffice，请上传 PDF" });
    const { makePdf } = await import("../forums/helpers.ts");
    expect((await presenterA.client.post(url, pdfForm(await makePdf(2)))).status).toBe(201);
  });
});
