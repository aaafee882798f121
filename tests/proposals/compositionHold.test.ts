/**
 * The editor's hold during an input-method composition: nothing typed goes out and nothing from
 * others comes in while it lasts, and everything held goes on when it ends — including when the
 * input method never says so (the composition goes idle).
 */
import * as Y from "yjs";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { COMPOSITION_IDLE_MS, CompositionHold } from "../../client/src/features/proposals/compositionHold.ts";

/** An update inserting `text` at the start of a fresh doc's text "t". */
function typed(text: string, doc = new Y.Doc()): Uint8Array {
  let update: Uint8Array = new Uint8Array();
  doc.once("update", (u: Uint8Array) => (update = u));
  doc.getText("t").insert(0, text);
  return update;
}

function holdInto() {
  const sent = new Y.Doc();
  const received = new Y.Doc();
  const hold = new CompositionHold({
    own: (u) => Y.applyUpdate(sent, u),
    others: (u) => Y.applyUpdate(received, u),
  });
  return { hold, sent: () => sent.getText("t").toString(), received: () => received.getText("t").toString() };
}

/** A hold with a composition in progress that has typed `text` so far. */
function composing(text: string) {
  const held = holdInto();
  held.hold.composed();
  held.hold.holdOwn(typed(text));
  return held;
}

describe("the composition hold", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test("outside a composition nothing is held", () => {
    const { hold } = holdInto();
    expect(hold.holdOwn(typed("中"))).toBe(false);
    expect(hold.holdOthers(typed("文"))).toBe(false);
  });

  test("both sides are held while composing and released, merged, when it ends", () => {
    const { hold, sent, received } = holdInto();
    hold.composed();
    const mine = new Y.Doc();
    expect(hold.holdOwn(typed("z", mine))).toBe(true);
    expect(hold.holdOwn(typed("中", mine))).toBe(true);
    expect(hold.holdOthers(typed("【"))).toBe(true);
    expect(sent()).toBe("");
    expect(received()).toBe("");
    hold.end();
    expect(sent()).toBe("中z");
    expect(received()).toBe("【");
    expect(hold.active).toBe(false);
  });

  test("a composition that never ends is released after it has been idle", () => {
    const { hold, sent } = composing("中");
    vi.advanceTimersByTime(COMPOSITION_IDLE_MS - 1);
    expect(sent()).toBe("");
    expect(hold.active).toBe(true);
    vi.advanceTimersByTime(1);
    expect(sent()).toBe("中");
    expect(hold.active).toBe(false);
  });

  test("each composition event restarts the idle wait, so a slow typist is not cut short", () => {
    const { hold, sent } = composing("zh");
    vi.advanceTimersByTime(COMPOSITION_IDLE_MS - 1_000);
    hold.composed();
    vi.advanceTimersByTime(COMPOSITION_IDLE_MS - 1_000);
    expect(sent()).toBe("");
    vi.advanceTimersByTime(1_000);
    expect(sent()).toBe("zh");
  });

  test("after dispose the idle wait releases nothing", () => {
    const { hold, sent } = composing("中");
    hold.dispose();
    vi.advanceTimersByTime(COMPOSITION_IDLE_MS * 2);
    expect(sent()).toBe("");
  });
});
