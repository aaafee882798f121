import { useEffect, useState } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { presenceColour } from "../../../../shared/presence.ts";
import { PROPOSAL_DOC_FIELD, proposalDocName } from "../../../../shared/proposals.ts";
import { localCopyName } from "../../localCopies.ts";
import { CompositionHold } from "./compositionHold.ts";
import { applyOwnUpdate } from "./linkDocs.ts";

const LINK = Symbol("link");

export type SyncState = "connecting" | "synced" | "offline";

/**
 * The collaborative document of one proposal, in two linked Y.Docs:
 *
 * - `netDoc` is what the WebsocketProvider and y-indexeddb see;
 * - `doc` is what the editor binds to.
 *
 * Local edits go from `doc` to `netDoc` at once. Remote edits go from `netDoc` to `doc` at once —
 * except while an input-method composition is in progress (Chinese pinyin): then they are held and
 * applied when it ends, so a concurrent edit cannot break the composition; and the composition's
 * own intermediate states (pinyin) are not sent before it ends (the known y-prosemirror
 * weaknesses: pinyin synced early, first character duplicated). See compositionHold.ts.
 *
 * Both docs share one client id: the provider's awareness is made with `netDoc`'s id and the caret
 * plugin hides the caret whose id is `doc`'s, so that is how our own cursor is recognised. But Yjs
 * gives a doc a new client id when an applied update adds items under its own id ("another client
 * seems to be using it") — which is what copying our edits into `netDoc` does. The provider then
 * asks its awareness about an id it has never heard of and throws `reading 'clock'` (in
 * `disconnectBc` when going offline or being destroyed, in `onopen` on reconnect). So our edits
 * are copied with `applyOwnUpdate`, which keeps `netDoc`'s id.
 *
 * `netDoc` is also kept in this browser (y-indexeddb, under the user's id): edits are stored as
 * they are typed, a server outage costs nothing, and the copy merges with everyone else's on
 * reconnect. A tab opened while the server is down shows that copy.
 */
export class ProposalDoc {
  readonly doc = new Y.Doc();
  readonly netDoc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly idb: IndexeddbPersistence;
  readonly composition = new CompositionHold({
    own: (update) => this.link(update),
    others: (update) => Y.applyUpdate(this.doc, update, LINK),
  });
  /** local changes not yet known to be on the server */
  pending = 0;
  private listeners = new Set<() => void>();
  state: SyncState = "connecting";
  /** the server closed the connection because access was withdrawn */
  accessClosed = false;
  idbLoaded = false;
  serverSynced = false;
  /** when this tab last knew the server had everything (ms since epoch); null before the first sync */
  lastSyncAt: number | null = null;

  constructor(
    readonly proposalId: string,
    userId: string,
  ) {
    this.netDoc.clientID = this.doc.clientID;
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === LINK) return;
      // The pinyin of a composition in progress stays here; the composed text goes out at its end.
      if (!this.composition.holdOwn(update)) this.link(update);
    });
    this.netDoc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === LINK) return;
      if (!this.composition.holdOthers(update)) Y.applyUpdate(this.doc, update, LINK);
    });
    const url = `${location.origin.replace(/^http/, "ws")}/yjs`;
    this.provider = new WebsocketProvider(url, proposalDocName(proposalId), this.netDoc, { maxBackoffTime: 5000 });
    this.idb = new IndexeddbPersistence(localCopyName(userId, proposalDocName(proposalId)), this.netDoc);
    this.idb.once("synced", () => {
      this.idbLoaded = true;
      this.emit();
    });
    this.provider.on("sync", (synced: boolean) => {
      if (synced) {
        this.serverSynced = true;
        // Our state went to the server in answer to its sync step 1, before it answered ours.
        this.pending = 0;
      }
      this.update();
    });
    this.provider.on("status", () => this.update());
    // The browser knows it is offline before the socket times out: stop and resume at once.
    window.addEventListener("offline", this.onOffline);
    window.addEventListener("online", this.onOnline);
    this.provider.on("connection-close", (event: CloseEvent | null) => {
      if (event?.code === 4403) {
        this.accessClosed = true;
        this.emit();
      }
    });
  }

  get fragment() {
    return this.doc.getXmlFragment(PROPOSAL_DOC_FIELD);
  }

  /** Whether the editor can be shown without inventing content (server or local copy loaded). */
  get ready() {
    return this.serverSynced || (this.idbLoaded && this.fragment.length > 0);
  }

  private update() {
    const was = this.state;
    this.state =
      this.provider.wsconnected && this.provider.synced
        ? "synced"
        : this.provider.wsconnected
          ? "connecting"
          : "offline";
    if (this.state === "synced" || was === "synced") this.lastSyncAt = Date.now();
    this.emit();
  }

  /** Copies a local edit into `netDoc` (and so to the server and the local copy), keeping its client id. */
  private link(update: Uint8Array) {
    applyOwnUpdate(this.netDoc, update, LINK);
    if (!this.provider.wsconnected || !this.provider.synced) {
      this.pending += 1;
      this.emit();
    } else {
      this.lastSyncAt = Date.now();
    }
  }

  /** Keeps the title with the local copy, so a tab opened while the server is down can show it. */
  rememberTitle(title: string) {
    void this.idb.set("title", title).catch(() => undefined);
  }

  async rememberedTitle(): Promise<string | null> {
    const title: unknown = await this.idb.get("title").catch(() => null);
    return typeof title === "string" ? title : null;
  }

  subscribe(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit() {
    for (const l of this.listeners) l();
  }

  /** Reconnect after access changed (e.g. returned for editing). */
  reconnect() {
    this.accessClosed = false;
    this.provider.disconnect();
    this.provider.connect();
  }

  private onOffline = () => {
    this.provider.disconnect();
    this.update();
  };

  private onOnline = () => {
    this.provider.connect();
  };

  destroy() {
    window.removeEventListener("offline", this.onOffline);
    window.removeEventListener("online", this.onOnline);
    this.composition.dispose();
    // The provider first: its goodbye to other tabs needs the awareness and the doc intact
    // (destroying netDoc then destroys the awareness).
    this.provider.destroy();
    void this.idb.destroy().catch(() => undefined);
    this.doc.destroy();
    this.netDoc.destroy();
  }
}

/**
 * The proposal's document for as long as the page shows it: made once per proposal and user, and
 * never re-created by a metadata refetch or an outage (that would drop the typing in flight).
 */
export function useProposalDoc(proposalId: string, userId: string) {
  const [pdoc, setPdoc] = useState<ProposalDoc | null>(null);
  const [, force] = useState(0);
  useEffect(() => {
    const d = new ProposalDoc(proposalId, userId);
    setPdoc(d);
    const off = d.subscribe(() => force((n) => n + 1));
    return () => {
      off();
      d.destroy();
      setPdoc(null);
    };
  }, [proposalId, userId]);
  return pdoc;
}

export const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
export const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** The same colour the server writes into this user's presence (awareness) state. */
export const colorFor = presenceColour;
