import { request } from "node:http";
import { readdir } from "node:fs/promises";
import type { TestServer } from "../helpers/server.ts";
import { DiskStore } from "../../server/files/store.ts";

export interface StreamedUpload {
  status: number;
  body: string;
  /** bytes of the file part written before the response arrived */
  sentBeforeResponse: number;
  /** whether the client still had bytes to send when the server answered */
  cutOff: boolean;
  /**
   * the server closed the connection (after its 413) while the client was still writing, and the
   * client's write failed before it had read the answer: a loaded machine's race, still a cut-off
   */
  reset: boolean;
}

/**
 * Sends a multipart upload with chunked encoding (no Content-Length) a slice at a time, like a slow
 * phone, and notes how much had been sent when the answer came: a server that reads the whole body
 * first answers only after the last slice.
 */
export function streamUpload(
  server: TestServer,
  path: string,
  cookie: string,
  options: { slices: number; sliceBytes: number; firstBytes?: Uint8Array; fileName?: string; declaredLength?: number },
): Promise<StreamedUpload> {
  const boundary = `----forum${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${options.fileName ?? "big.pdf"}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let slice = 0;
    const headers: Record<string, string> = { cookie, "content-type": `multipart/form-data; boundary=${boundary}` };
    if (options.declaredLength) headers["content-length"] = String(options.declaredLength);
    const req = request(`${server.url}${path}`, { method: "POST", headers });
    req.on("response", (res) => {
      answered = true;
      const cutOff = slice < options.slices;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sentBeforeResponse: sent, cutOff, reset: false });
      });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (answered) return;
      answered = true;
      if (error.code === "EPIPE" || error.code === "ECONNRESET") {
        resolve({ status: 0, body: "", sentBeforeResponse: sent, cutOff: slice < options.slices, reset: true });
      } else reject(error);
    });
    req.write(head);
    if (options.firstBytes) {
      req.write(options.firstBytes);
      sent += options.firstBytes.byteLength;
    }
    const timer = setInterval(() => {
      if (answered || slice >= options.slices) {
        clearInterval(timer);
        if (!answered) req.end(`\r\n--${boundary}--\r\n`);
        return;
      }
      slice += 1;
      sent += options.sliceBytes;
      req.write(Buffer.alloc(options.sliceBytes, 0x20));
    }, 15);
  });
}

/** Every file the server's store and temp directory hold (disk stores only; chunk stores live in rows). */
export async function filesOnDisk(server: TestServer): Promise<string[]> {
  const files = server.ctx.files;
  const found = await files.tempFiles();
  if (files.store instanceof DiskStore) {
    for (const shard of await readdir(files.store.root).catch(() => [] as string[])) {
      if (shard === "tmp") continue;
      for (const name of await readdir(`${files.store.root}/${shard}`)) found.push(`${shard}/${name}`);
    }
  }
  return found.sort();
}
