import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { AppError, invalidInput, tooLarge } from "../lib/errors.ts";

/** Room for the multipart boundary and part headers around the file itself. */
export const MULTIPART_OVERHEAD = 64 * 1024;

/** A file received into a temp file: hashed and counted on the way, never held in memory whole. */
export interface ReceivedFile {
  tempPath: string;
  sha256: string;
  size: number;
  /** the name the browser sent, unsanitised: never store or echo it as is */
  clientName: string;
  discard(): Promise<void>;
}

export interface ReceiveOptions {
  tempDir: string;
  /** most bytes the file may have */
  limit: number;
  /** the 413 message, in Chinese */
  tooLargeMessage: string;
  /** the 400 message when no file part came */
  missingMessage: string;
}

/** Counts and hashes bytes as they pass, failing the stream the moment they exceed the limit. */
class Meter extends Transform {
  readonly hash = createHash("sha256");
  size = 0;
  exceeded = false;
  constructor(
    private readonly limit: number,
    private readonly onTooLarge: () => Error,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.size += chunk.byteLength;
    if (this.size > this.limit) {
      this.exceeded = true;
      return done(this.onTooLarge());
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/**
 * Streams the `file` part of a multipart request into a temp file. The body is cut off (413) as
 * soon as it passes the limit, whatever Content-Length said, and a refused upload leaves nothing
 * on disk. Fields other than `file` are ignored; a second file part is refused.
 */
export async function receiveFile(request: Request, options: ReceiveOptions): Promise<ReceivedFile> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data")) throw invalidInput("请以表单方式上传文件");
  const declared = Number(request.headers.get("content-length") ?? "");
  const tooBig = () => tooLarge(options.tooLargeMessage);
  if (Number.isFinite(declared) && declared > options.limit + MULTIPART_OVERHEAD) throw tooBig();
  if (!request.body) throw invalidInput(options.missingMessage);

  const tempPath = join(options.tempDir, `upload-${randomUUID()}`);
  const discard = () => rm(tempPath, { force: true });
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      limits: { files: 1, fields: 20, fieldSize: 4096, parts: 30, headerPairs: 50 },
      defParamCharset: "utf8",
    });
  } catch {
    throw invalidInput("上传内容无法解析");
  }

  const body = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  // the whole body is bounded too: a flood of fields around a small file is cut off the same way
  const bodyMeter = new Meter(options.limit + MULTIPART_OVERHEAD, tooBig);
  let written: Promise<ReceivedFile> | undefined;
  let fileMeter: Meter | undefined;

  const result = new Promise<ReceivedFile>((resolve, reject) => {
    parser.on("file", (field, stream, info) => {
      if (field !== "file" || written) {
        stream.resume();
        return;
      }
      const meter = new Meter(options.limit, tooBig);
      fileMeter = meter;
      written = pipeline(stream, meter, createWriteStream(tempPath, { flags: "wx" })).then(() => ({
        tempPath,
        sha256: meter.hash.digest("hex"),
        size: meter.size,
        clientName: info.filename ?? "",
        discard,
      }));
      // refuse at once: the rest of an oversized body is never read
      written.catch(reject);
    });
    parser.on("filesLimit", () => reject(invalidInput("一次只能上传一个文件")));
    parser.on("error", () => reject(invalidInput("上传内容无法解析")));
    parser.on("close", () => {
      if (!written) return reject(invalidInput(options.missingMessage));
      written.then(resolve, reject);
    });
  });

  // .pipe, not pipeline: a refusal must stop reading without destroying the request, or the
  // socket is reset before the 413 reaches the client
  const piped = new Promise<void>((resolve, reject) => {
    body.once("error", reject);
    bodyMeter.once("error", reject);
    parser.once("error", reject);
    parser.once("close", resolve);
    body.pipe(bodyMeter).pipe(parser);
  });
  try {
    const [, file] = await Promise.all([piped, result]);
    if (file.size === 0) throw invalidInput("文件是空的");
    return file;
  } catch (error) {
    body.unpipe();
    bodyMeter.unpipe();
    parser.destroy();
    // the temp file's stream must be closed before it is removed, or a late open could recreate it
    await written?.catch(() => {});
    await discard();
    // whichever stream noticed first, an upload over the limit is a 413
    if (bodyMeter.exceeded || fileMeter?.exceeded) throw tooBig();
    throw error instanceof AppError ? error : invalidInput("上传内容无法解析");
  }
}
