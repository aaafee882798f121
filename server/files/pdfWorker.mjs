// Runs in a worker thread (see pdfInspector.ts): proves a file is a PDF by parsing it with pdf.js
// and counts its pages. Plain JavaScript so the worker starts without the TypeScript loader.
import { open } from "node:fs/promises";
import { getDocument, PDFDataRangeTransport } from "pdfjs-dist/legacy/build/pdf.mjs";

/**
 * pdf.js asks for byte ranges as it needs them (cross-reference table, page tree), so a valid
 * 50 MB deck is inspected by reading a few hundred kilobytes, never by loading it whole.
 * @param {{ path: string }} task
 * @returns {Promise<{ ok: true, pageCount: number } | { ok: false, reason: string }>}
 */
export default async function inspectPdf({ path }) {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const transport = new PDFDataRangeTransport(size, null);
    transport.requestDataRange = (begin, end) => {
      const buffer = Buffer.alloc(end - begin);
      file.read(buffer, 0, end - begin, begin).then(
        () => transport.onDataRange(begin, new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)),
        () => transport.onDataRange(begin, new Uint8Array(0)),
      );
    };
    const task = getDocument({
      range: transport,
      length: size,
      rangeChunkSize: 64 * 1024,
      disableAutoFetch: true,
      disableStream: true,
      isEvalSupported: false,
      disableFontFace: true,
      stopAtErrors: true,
      verbosity: 0,
    });
    try {
      const doc = await task.promise;
      const pageCount = doc.numPages;
      // the first and last page objects must resolve: a header with nothing behind it fails here
      await doc.getPage(1);
      if (pageCount > 1) await doc.getPage(pageCount);
      return pageCount > 0 ? { ok: true, pageCount } : { ok: false, reason: "no_pages" };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.name : "unreadable" };
    } finally {
      await task.destroy();
    }
  } finally {
    await file.close();
  }
}
