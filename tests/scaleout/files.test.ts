import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ApiClient, createUser } from "../helpers/clients.ts";
import { makePdf, pdfForm } from "../forums/helpers.ts";
import { twoProcesses } from "./setup.ts";

/** A deck uploaded through process A is served, whole and in ranges, by process B. */
function deckAcrossProcesses(procs: ReturnType<typeof twoProcesses>) {
  return async () => {
    const host = await createUser(procs.onA, { role: "secretary" });
    const created = await host.client.post("/api/forums", {
      title: "跨进程演示文稿",
      mode: "forum",
      startsAt: new Date().toISOString(),
      talks: [{ title: "议事会的三年", presenterId: host.user.id }],
    });
    expect(created.status).toBe(201);
    const forum = created.body.forum;
    const pdf = new Uint8Array(await makePdf(3));
    const up = await host.client.post(
      `/api/forums/${forum.id}/talks/${forum.talks[0].id}/deck`,
      pdfForm(pdf, "跨进程.pdf"),
    );
    expect(up.status).toBe(201);

    const onB = new ApiClient(procs.b.url);
    onB.cookie = host.client.cookie;
    const whole = await fetch(procs.b.url + up.body.talk.deck.url, { headers: { cookie: onB.cookie } });
    expect(whole.status).toBe(200);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(pdf);
    const part = await fetch(procs.b.url + up.body.talk.deck.url, {
      headers: { cookie: onB.cookie, range: "bytes=10-19" },
    });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(pdf.slice(10, 20));

    // a larger file crosses chunk boundaries: upload on B, read a range spanning two chunks on A
    const big = await makePdfOfSize(2_600_000);
    const again = await onB.post(`/api/forums/${forum.id}/talks/${forum.talks[0].id}/deck`, pdfForm(big, "大.pdf"));
    expect(again.status).toBe(201);
    const from = 1024 * 1024 - 5;
    const span = await fetch(procs.a.url + again.body.talk.deck.url, {
      headers: { cookie: host.client.cookie, range: `bytes=${from}-${from + 9}` },
    });
    expect(span.status).toBe(206);
    expect(new Uint8Array(await span.arrayBuffer())).toEqual(big.slice(from, from + 10));
  };
}

/** A real PDF of at least `bytes`, by embedding an incompressible file. */
async function makePdfOfSize(bytes: number): Promise<Uint8Array> {
  const { PDFDocument } = await import("pdf-lib");
  const { randomBytes } = await import("node:crypto");
  const pdf = await PDFDocument.create();
  pdf.addPage([400, 300]);
  await pdf.attach(randomBytes(bytes), "data.bin", { mimeType: "application/octet-stream" });
  return pdf.save();
}

describe("files across two processes: bytes in PostgreSQL rows (no FILES_DIR)", () => {
  const procs = twoProcesses();
  it("a deck uploaded through A is fetched through B", deckAcrossProcesses(procs));
});

describe("files across two processes: a shared FILES_DIR", () => {
  const procs = twoProcesses({ FILES_DIR: mkdtempSync(join(tmpdir(), "forum-shared-files-")) });
  it("a deck uploaded through A is fetched through B", deckAcrossProcesses(procs));
});
