import * as Y from "yjs";

/**
 * A composition with no event for this long is taken as over. Some input methods never send
 * `compositionend` (the page lost focus mid-word, the phone's keyboard was dismissed), and while a
 * composition lasts nothing typed goes out and nothing from others comes in.
 */
export const COMPOSITION_IDLE_MS = 10_000;

/**
 * Holds updates while an input-method composition (Chinese pinyin) is in progress: the editor's
 * own, so the pinyin is not sent before the composed text; others', so a concurrent edit cannot
 * break the composition. Each side is released, merged into one update, when the composition ends,
 * the editor loses focus, or the composition has been idle for COMPOSITION_IDLE_MS.
 */
export class CompositionHold {
  private composing = false;
  private own: Uint8Array[] = [];
  private others: Uint8Array[] = [];
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly release: { own(update: Uint8Array): void; others(update: Uint8Array): void },
    private readonly idleMs = COMPOSITION_IDLE_MS,
  ) {}

  get active() {
    return this.composing;
  }

  /** A composition started or moved on (compositionstart, compositionupdate). */
  composed() {
    this.composing = true;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.end(), this.idleMs);
  }

  /** The composition is over (compositionend, blur, idle): whatever was held goes on. */
  end() {
    clearTimeout(this.idle);
    this.composing = false;
    if (this.own.length > 0) this.release.own(Y.mergeUpdates(this.own.splice(0)));
    if (this.others.length > 0) this.release.others(Y.mergeUpdates(this.others.splice(0)));
  }

  /** Keeps the editor's own update if a composition is in progress; false when it should go now. */
  holdOwn(update: Uint8Array): boolean {
    if (this.composing) this.own.push(update);
    return this.composing;
  }

  /** Keeps another's update if a composition is in progress; false when it should apply now. */
  holdOthers(update: Uint8Array): boolean {
    if (this.composing) this.others.push(update);
    return this.composing;
  }

  dispose() {
    clearTimeout(this.idle);
  }
}
