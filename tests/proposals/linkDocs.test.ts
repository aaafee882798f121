/**
 * The cause of the editor's `reading 'clock'` TypeError, and its fix: the editor's doc and the
 * network doc share a client id, and copying the editor's edits into the network doc must not make
 * Yjs give the network doc a new one (the provider's awareness would no longer know it).
 */
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { describe, expect, test } from "vitest";
import { applyOwnUpdate } from "../../client/src/features/proposals/linkDocs.ts";

function linkedPair(copy: (target: Y.Doc, update: Uint8Array) => void) {
  const doc = new Y.Doc();
  const netDoc = new Y.Doc();
  netDoc.clientID = doc.clientID;
  // What the WebsocketProvider makes: an awareness that knows the network doc's id at start.
  const awareness = new awarenessProtocol.Awareness(netDoc);
  doc.on("update", (update: Uint8Array) => copy(netDoc, update));
  return { doc, netDoc, awareness };
}

/** What y-websocket's disconnectBc / onopen do with the provider's doc id. */
const goodbye = (awareness: awarenessProtocol.Awareness, netDoc: Y.Doc) =>
  awarenessProtocol.encodeAwarenessUpdate(awareness, [netDoc.clientID], new Map());

describe("linking the editor's doc to the network doc", () => {
  test("a plain applyUpdate re-rolls the shared client id and the provider's goodbye throws (the bug)", () => {
    const { doc, netDoc, awareness } = linkedPair((target, update) => Y.applyUpdate(target, update));
    doc.getText("t").insert(0, "离线");
    expect(netDoc.clientID).not.toBe(doc.clientID);
    expect(() => goodbye(awareness, netDoc)).toThrow(/clock/);
  });

  test("applyOwnUpdate keeps the id through many edits and remote updates, and the text arrives", () => {
    const { doc, netDoc, awareness } = linkedPair((target, update) => applyOwnUpdate(target, update, "link"));
    const other = new Y.Doc();
    for (let i = 0; i < 20; i++) {
      doc.getText("t").insert(doc.getText("t").length, `${i}`);
      other.getText("t").insert(0, "x");
      Y.applyUpdate(netDoc, Y.encodeStateAsUpdate(other));
    }
    expect(netDoc.clientID).toBe(doc.clientID);
    expect(awareness.clientID).toBe(netDoc.clientID);
    expect(() => goodbye(awareness, netDoc)).not.toThrow();
    expect(netDoc.getText("t").toString()).toContain("012345678910");
    // Nothing was ever written under the stand-in id.
    const writers = [...Y.decodeStateVector(Y.encodeStateVector(netDoc)).keys()].sort();
    expect(writers).toEqual([doc.clientID, other.clientID].sort());
  });
});
