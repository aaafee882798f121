import { buildServerWhenStale } from "../../scripts/buildServer.mjs";
import { ensureClientBuilt } from "./harness.ts";

/**
 * Builds the client and the server bundle once before any browser test file runs (each skipped
 * when fresh): the browser tests run the product as `npm start` does.
 */
export default async function setup(): Promise<void> {
  ensureClientBuilt();
  await buildServerWhenStale();
}
