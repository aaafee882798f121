import * as Y from "yjs";

/**
 * Applies an update made by `doc`'s own client to `target`, a second doc that shares its client id
 * (see ProposalDoc). Yjs treats every applied update as remote, and when one adds items under the
 * receiving doc's own id it gives that doc a new id ("another client seems to be using it"). The
 * provider's awareness only knows the old id, so it then throws `reading 'clock'`. While applying,
 * `target` therefore goes by an id no client can have (-1) and gets its own back right after;
 * `target` never makes items itself, so nothing is ever written under the stand-in.
 */
export function applyOwnUpdate(target: Y.Doc, update: Uint8Array, origin: unknown): void {
  const id = target.clientID;
  target.clientID = -1;
  try {
    Y.applyUpdate(target, update, origin);
  } finally {
    target.clientID = id;
  }
}
