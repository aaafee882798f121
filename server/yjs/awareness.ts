import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { LIMITS } from "../../shared/limits.ts";
import { presenceColour } from "../../shared/presence.ts";
import type { UserRow } from "../auth/sessions.ts";

/** One client's presence in an awareness update: `state` null means the client left. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** the state's JSON text, as sent (its length is what the size cap counts) */
  json: string;
  state: Record<string, unknown> | null;
}

/** More client ids than one connection has any use for (one per open editor, a few after reloads). */
export const MAX_CLIENT_IDS_PER_CONNECTION = 4;

/**
 * Decodes an awareness update (y-protocols' layout: count, then client id, clock and JSON state
 * for each). Throws on truncation, on JSON that does not parse, and on a state that is neither an
 * object nor null, so nothing malformed reaches the Awareness instance.
 */
export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    const state: unknown = JSON.parse(json);
    if (state !== null && (typeof state !== "object" || Array.isArray(state)))
      throw new Error("awareness state is not an object");
    entries.push({ clientId, clock, json, state: state as Record<string, unknown> | null });
  }
  return entries;
}

export function encodeAwareness(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}

export type AwarenessVerdict =
  | { ok: true; update: Uint8Array | null }
  | { ok: false; reason: "too_large" | "too_many_clients" };

/**
 * Checks a connection's awareness entries and rewrites them.
 *
 * - A connection speaks for its own client ids: ones it announced, or ones nobody holds yet.
 *   Entries for other people's ids are dropped without fuss — y-websocket clients echo every
 *   state they receive, so most of them are harmless echoes, and the rest must not move someone
 *   else's cursor.
 * - Each state is capped in size, and one connection may hold only a few client ids.
 * - The `user` field (the name and colour carets show) is replaced by the session's user, so
 *   nobody can appear under another name.
 *
 * `update` is null when nothing of the connection's own remained.
 */
export function sanitizeAwareness(
  entries: AwarenessEntry[],
  user: Pick<UserRow, "id" | "displayName">,
  own: ReadonlySet<number>,
  heldByAnyone: (clientId: number) => boolean,
): AwarenessVerdict {
  const announced = new Set(own);
  const out: { clientId: number; clock: number; state: unknown }[] = [];
  for (const entry of entries) {
    if (!own.has(entry.clientId) && heldByAnyone(entry.clientId)) continue;
    if (Buffer.byteLength(entry.json) > LIMITS.awarenessStateBytes) return { ok: false, reason: "too_large" };
    announced.add(entry.clientId);
    if (announced.size > MAX_CLIENT_IDS_PER_CONNECTION) return { ok: false, reason: "too_many_clients" };
    const state =
      entry.state === null
        ? null
        : { ...entry.state, user: { name: user.displayName, color: presenceColour(user.id) } };
    out.push({ clientId: entry.clientId, clock: entry.clock, state });
  }
  return { ok: true, update: out.length > 0 ? encodeAwareness(out) : null };
}

/** A token bucket: `perSecond` awareness updates a second, in bursts of up to as many. */
export class AwarenessBudget {
  private tokens: number = LIMITS.awarenessPerSecond;
  private last = Date.now();
  /** updates refused since the last one accepted */
  refused = 0;

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(
      LIMITS.awarenessPerSecond,
      this.tokens + ((now - this.last) / 1000) * LIMITS.awarenessPerSecond,
    );
    this.last = now;
    if (this.tokens < 1) {
      this.refused += 1;
      return false;
    }
    this.tokens -= 1;
    this.refused = 0;
    return true;
  }
}
