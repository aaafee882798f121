/**
 * The fresh client of bench/proposal-trace.bench.ts, in a process of its own as a reader's browser
 * is: it shares neither the server's thread nor its heap, so its apply and its garbage are not
 * counted against the server's answer, nor the server's against its apply. The parent sends
 * `open`; this process opens the document with a real y-websocket provider, checks the section's
 * text against the end it was given, and answers with its own timings.
 */
import * as Y from "yjs";
import { connectDoc, waitForSync } from "../tests/helpers/clients.ts";
import { sectionText } from "../tests/proposals/helpers.ts";

export interface OpenRequest {
  type: "open";
  port: number;
  cookie: string;
  docName: string;
  section: string;
  expected: string;
}

export interface OpenAnswer {
  type: "opened";
  /** from creating the provider to synced */
  took: number;
  /** from creating the provider to the client's first transaction: applying what it was sent */
  applying: number;
  /** the opened section's text differs from `expected` (a failed open, not a figure) */
  differs: boolean;
}

const send = (message: OpenAnswer | { type: "ready" }) => process.send!(message);

process.on("message", async (request: OpenRequest) => {
  const doc = new Y.Doc();
  const t0 = performance.now();
  let applying = 0;
  doc.once("beforeTransaction", () => (applying = performance.now()));
  // connectDoc reads only the server's port and the client's cookie
  const fresh = connectDoc({ port: request.port } as never, { cookie: request.cookie } as never, request.docName, doc);
  await waitForSync(fresh.provider, 30_000);
  const took = performance.now() - t0;
  const differs = sectionText(doc, request.section).toString() !== request.expected;
  fresh.provider.destroy();
  doc.destroy();
  send({ type: "opened", took, applying: applying - t0, differs });
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
