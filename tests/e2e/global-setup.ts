import { ensureClientBuilt } from "./harness.ts";

/** Build the client once before any browser test file runs (skipped when client/dist is fresh). */
export default function setup(): void {
  ensureClientBuilt();
}
