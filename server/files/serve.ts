import { Readable } from "node:stream";
import type { FileService } from "./service.ts";

export interface ServedFile {
  sha256: string;
  size: number;
  mime: string;
  /** the stored (already sanitised) name */
  fileName: string;
  /** shown in the browser (images, PDF) rather than downloaded */
  inline: boolean;
}

/** Parses a single `bytes=a-b` / `bytes=a-` / `bytes=-n` range; null means "send it all", "invalid" means 416. */
export function parseRange(
  header: string | undefined | null,
  size: number,
): { start: number; end: number } | null | "invalid" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null; // multiple or odd ranges: whole file
  let start: number;
  let end: number;
  if (match[1] === "") {
    if (Number(match[2]) === 0) return "invalid";
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return "invalid";
  return { start, end };
}

/** `inline; filename="…"; filename*=UTF-8''…` with an ASCII fallback that cannot break the header. */
export function contentDisposition(fileName: string, inline: boolean): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, "_").trim() || "file";
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * A stored file as an HTTP response, streamed from the store: Range (206/416), ETag from the
 * content hash (304 on If-None-Match), and the sandbox headers every user-supplied file gets, so
 * even an HTML file someone smuggled in as a PDF cannot run script on our origin.
 */
export function fileResponse(files: FileService, request: Request, file: ServedFile): Response {
  const etag = `"${file.sha256}"`;
  const headers: Record<string, string> = {
    "content-type": file.mime,
    "accept-ranges": "bytes",
    etag,
    // private: only signed-in members may read it; the hash-named ETag makes revalidation cheap
    "cache-control": "private, max-age=86400",
    "content-disposition": contentDisposition(file.fileName, file.inline),
    "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    "x-content-type-options": "nosniff",
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
    return new Response(null, { status: 304, headers });
  }
  const ifRange = request.headers.get("if-range");
  const range = ifRange && ifRange !== etag ? null : parseRange(request.headers.get("range"), file.size);
  if (range === "invalid") {
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${file.size}` } });
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  headers["content-length"] = String(end - start + 1);
  if (range) headers["content-range"] = `bytes ${start}-${end}/${file.size}`;
  if (request.method === "HEAD" || file.size === 0) return new Response(null, { status: range ? 206 : 200, headers });
  const body = Readable.toWeb(files.read(file.sha256, start, end)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: range ? 206 : 200, headers });
}
