import type { Attachment, Studio, StudioMember, StudioMessage, StudioTask } from "../../../../shared/studios.ts";
import { api } from "../../api.ts";
import { emitWithAck, getSocket } from "../../socket.ts";

/**
 * The live state of one studio room in this tab, and the rules that make chat never lose and never
 * double a message:
 *  - messages are kept by seq, so a message that arrives twice (replay and push) is held once;
 *  - on every (re)connect the room is joined with the highest seq held, and the server replays
 *    everything after it; a hole in the seqs received live is filled from REST;
 *  - a message typed while offline is queued (and kept in localStorage) with its clientId, shown as
 *    pending, and sent after the join with the same clientId, so a retry is never stored twice.
 */

export interface PendingMessage {
  clientId: string;
  text: string;
  replyTo: StudioMessage["replyTo"];
  attachment: Attachment | null;
  createdAt: string;
  status: "queued" | "sending" | "failed";
  error?: string;
}

export interface TypingUser {
  userId: string;
  displayName: string;
  until: number;
}

export interface RoomState {
  status: "loading" | "ready" | "error";
  error?: { code: string; message: string };
  joined: boolean;
  studio: Studio | null;
  messages: StudioMessage[];
  pending: PendingMessage[];
  pins: StudioMessage[];
  tasks: StudioTask[];
  typing: TypingUser[];
  hasOlder: boolean;
  loadingOlder: boolean;
}

const TYPING_SHOW_MS = 5000;
const JOIN_TIMEOUT_MS = 10_000;
const SEND_TIMEOUT_MS = 10_000;

function newClientId() {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** Open room stores per studio in this tab: the room is left only when none is open any more. */
const openRooms = new Map<string, number>();

export class RoomStore {
  private bySeq = new Map<number, StudioMessage>();
  private serverTime: string | undefined;
  private flushing = false;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setInterval> | undefined;
  private listeners = new Set<() => void>();
  private stopped = false;
  private readonly storageKey: string;
  state: RoomState = {
    status: "loading",
    joined: false,
    studio: null,
    messages: [],
    pending: [],
    pins: [],
    tasks: [],
    typing: [],
    hasOlder: false,
    loadingOlder: false,
  };

  constructor(
    readonly studioId: string,
    readonly meId: string,
  ) {
    this.storageKey = `studios.pending.${meId}.${studioId}`;
    this.state = { ...this.state, pending: this.loadPending() };
  }

  // ---------- store plumbing ----------

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getSnapshot = () => this.state;

  private set(patch: Partial<RoomState>) {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private setMessages() {
    this.set({ messages: [...this.bySeq.values()].sort((a, b) => a.seq - b.seq) });
  }

  get maxSeq() {
    let max = 0;
    for (const seq of this.bySeq.keys()) if (seq > max) max = seq;
    return max;
  }
  get minSeq() {
    let min = Infinity;
    for (const seq of this.bySeq.keys()) if (seq < min) min = seq;
    return min === Infinity ? 0 : min;
  }

  // ---------- lifecycle ----------

  /** Can follow stop() on the same store (React StrictMode mounts, unmounts and mounts again). */
  start() {
    this.stopped = false;
    openRooms.set(this.studioId, (openRooms.get(this.studioId) ?? 0) + 1);
    const socket = getSocket();
    // Listen before joining: pushes can arrive right behind the join acknowledgement.
    socket.on("connect", this.onConnect);
    socket.on("disconnect", this.onDisconnect);
    socket.on("studio:message", this.onMessage);
    socket.on("studio:update", this.onUpdate);
    socket.on("studio:typing", this.onTyping);
    socket.on("studio:read", this.onRead);
    socket.on("studio:presence", this.onPresence);
    socket.on("studio:task", this.onTask);
    this.typingTimer = setInterval(() => {
      const now = Date.now();
      if (this.state.typing.some((t) => t.until < now))
        this.set({ typing: this.state.typing.filter((t) => t.until >= now) });
    }, 1000);
    if (socket.connected) void this.join();
    else void this.loadOverRest();
  }

  stop() {
    this.stopped = true;
    const socket = getSocket();
    socket.off("connect", this.onConnect);
    socket.off("disconnect", this.onDisconnect);
    socket.off("studio:message", this.onMessage);
    socket.off("studio:update", this.onUpdate);
    socket.off("studio:typing", this.onTyping);
    socket.off("studio:read", this.onRead);
    socket.off("studio:presence", this.onPresence);
    socket.off("studio:task", this.onTask);
    clearInterval(this.typingTimer);
    clearTimeout(this.gapTimer);
    openRooms.set(this.studioId, Math.max(0, (openRooms.get(this.studioId) ?? 0) - 1));
    // Left a moment later and only if no view of this room opened meanwhile (a remount, or coming
    // straight back), so presence does not flicker and a newer view is never taken out of the room.
    setTimeout(() => {
      if (!openRooms.get(this.studioId) && socket.connected)
        void emitWithAck("studio:leave", { studioId: this.studioId }, 3000);
    }, 200);
  }

  private onConnect = () => void this.join();
  private onDisconnect = () => this.set({ joined: false, typing: [] });

  /** Without a connection, the history can still be read over REST. */
  private async loadOverRest() {
    try {
      const [{ studio }, { messages }] = await Promise.all([
        api<{ studio: Studio }>(`/api/studios/${this.studioId}`),
        api<{ messages: StudioMessage[] }>(`/api/studios/${this.studioId}/messages?limit=50`),
      ]);
      if (this.stopped || this.state.joined) return;
      this.merge(messages);
      this.set({ status: "ready", studio, hasOlder: this.minSeq > 1 });
    } catch (err) {
      if (this.state.status === "loading") this.fail(err);
    }
  }

  private fail(err: unknown) {
    const e = err as { code?: string; message?: string };
    this.set({ status: "error", error: { code: e.code ?? "internal", message: e.message ?? "" } });
  }

  async join(): Promise<void> {
    if (this.stopped) return;
    const held = this.maxSeq;
    const ack = await emitWithAck(
      "studio:join",
      {
        studioId: this.studioId,
        lastSeq: held > 0 ? held : undefined,
        changedSince: held > 0 ? this.serverTime : undefined,
      },
      JOIN_TIMEOUT_MS,
    );
    if (this.stopped) return;
    if (!ack.ok) {
      if (ack.error.code === "timeout") {
        if (getSocket().connected) setTimeout(() => void this.join(), 1000);
        return;
      }
      this.fail(ack.error);
      return;
    }
    this.serverTime = ack.serverTime;
    this.merge(ack.messages);
    this.merge(ack.changed);
    this.set({
      status: "ready",
      joined: true,
      studio: ack.studio,
      pins: ack.pins,
      tasks: ack.tasks,
      hasOlder: held > 0 ? this.state.hasOlder : this.minSeq > 1,
    });
    if (!ack.complete) await this.fillAfter(this.maxSeq);
    await this.flushPending();
  }

  // ---------- incoming ----------

  private merge(messages: StudioMessage[]) {
    if (messages.length === 0) return;
    for (const m of messages) this.bySeq.set(m.seq, m);
    // a message of ours that came back (by push or replay) is no longer pending
    const ids = new Set(messages.map((m) => m.clientId));
    if (this.state.pending.some((p) => ids.has(p.clientId))) {
      this.setPending(this.state.pending.filter((p) => !ids.has(p.clientId)));
    }
    this.setMessages();
  }

  private onMessage = ({ studioId, message }: { studioId: string; message: StudioMessage }) => {
    if (studioId !== this.studioId) return;
    const before = this.maxSeq;
    this.merge([message]);
    if (before > 0 && message.seq > before + 1) this.scheduleGapFill(before);
    // someone joined or left: the member list (or my own standing) changed
    if (message.kind === "system") void this.refreshStudio();
  };

  /** The studio as an answer (e.g. of a membership change) just gave it. */
  showStudio(studio: Studio) {
    if (!this.stopped) this.set({ studio });
  }

  private async refreshStudio() {
    try {
      const { studio } = await api<{ studio: Studio }>(`/api/studios/${this.studioId}`);
      if (!this.stopped) this.set({ studio });
    } catch {
      /* the next join brings it */
    }
  }

  /** Pushes from concurrent commits can arrive a moment out of order; fetch whatever is still missing. */
  private scheduleGapFill(after: number) {
    clearTimeout(this.gapTimer);
    this.gapTimer = setTimeout(() => {
      const seqs = [...this.bySeq.keys()].sort((a, b) => a - b);
      const hole = seqs.findIndex((s, i) => i > 0 && s > seqs[i - 1]! + 1 && seqs[i - 1]! >= after);
      if (hole > 0) void this.fillAfter(seqs[hole - 1]!);
    }, 400);
  }

  private async fillAfter(after: number) {
    for (let round = 0; round < 50; round++) {
      const { messages } = await api<{ messages: StudioMessage[] }>(
        `/api/studios/${this.studioId}/messages?after=${after}&limit=100`,
      );
      this.merge(messages);
      if (messages.length < 100) return;
      after = messages[messages.length - 1]!.seq;
    }
  }

  private onUpdate = ({ studioId, message }: { studioId: string; message: StudioMessage }) => {
    if (studioId !== this.studioId) return;
    if (this.bySeq.has(message.seq)) {
      this.bySeq.set(message.seq, message);
      this.setMessages();
    }
    const pins = this.state.pins.filter((p) => p.id !== message.id);
    if (message.pinnedAt && !message.withdrawnAt) pins.push(message);
    pins.sort((a, b) => a.seq - b.seq);
    this.set({ pins });
  };

  private onTyping = (e: { studioId: string; userId: string; displayName: string; typing: boolean }) => {
    if (e.studioId !== this.studioId || e.userId === this.meId) return;
    const others = this.state.typing.filter((t) => t.userId !== e.userId);
    this.set({
      typing: e.typing
        ? [...others, { userId: e.userId, displayName: e.displayName, until: Date.now() + TYPING_SHOW_MS }]
        : others,
    });
  };

  private patchMember(userId: string, patch: (m: StudioMember) => StudioMember) {
    const studio = this.state.studio;
    if (!studio) return;
    this.set({ studio: { ...studio, members: studio.members.map((m) => (m.userId === userId ? patch(m) : m)) } });
  }

  private onRead = (e: { studioId: string; userId: string; seq: number }) => {
    if (e.studioId !== this.studioId) return;
    this.patchMember(e.userId, (m) => ({ ...m, readSeq: Math.max(m.readSeq, e.seq) }));
  };

  private onPresence = (e: { studioId: string; userId: string; online: boolean; lastSeenAt: string | null }) => {
    if (e.studioId !== this.studioId) return;
    this.patchMember(e.userId, (m) => ({ ...m, online: e.online, lastSeenAt: e.lastSeenAt ?? m.lastSeenAt }));
  };

  private onTask = (e: { studioId: string; task: StudioTask }) => {
    if (e.studioId !== this.studioId) return;
    this.upsertTask(e.task);
  };

  private upsertTask(task: StudioTask) {
    const tasks = this.state.tasks.filter((t) => t.id !== task.id);
    tasks.push(task);
    tasks.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    this.set({ tasks });
  }

  // ---------- history ----------

  async loadOlder() {
    if (this.state.loadingOlder || !this.state.hasOlder) return;
    this.set({ loadingOlder: true });
    try {
      const before = this.minSeq;
      const { messages } = await api<{ messages: StudioMessage[] }>(
        `/api/studios/${this.studioId}/messages?before=${before}&limit=50`,
      );
      this.merge(messages);
      this.set({ hasOlder: messages.length > 0 && this.minSeq > 1 });
    } finally {
      this.set({ loadingOlder: false });
    }
  }

  // ---------- outgoing ----------

  private loadPending(): PendingMessage[] {
    try {
      const raw = localStorage.getItem(this.storageKey);
      const list = raw ? (JSON.parse(raw) as PendingMessage[]) : [];
      return list.map((p) => (p.status === "sending" ? { ...p, status: "queued" } : p));
    } catch {
      return [];
    }
  }

  private setPending(pending: PendingMessage[]) {
    try {
      if (pending.length) localStorage.setItem(this.storageKey, JSON.stringify(pending));
      else localStorage.removeItem(this.storageKey);
    } catch {
      /* storage full or blocked: the queue still lives in memory */
    }
    this.set({ pending });
  }

  private updatePending(clientId: string, patch: Partial<PendingMessage>) {
    this.setPending(this.state.pending.map((p) => (p.clientId === clientId ? { ...p, ...patch } : p)));
  }

  /** Queues a message and sends it now if connected (otherwise after the next join). */
  send(text: string, replyTo: StudioMessage | null, attachment: Attachment | null) {
    const pending: PendingMessage = {
      clientId: newClientId(),
      text,
      replyTo: replyTo
        ? {
            id: replyTo.id,
            seq: replyTo.seq,
            authorName: replyTo.authorName,
            text: replyTo.text.slice(0, 120),
            withdrawn: false,
          }
        : null,
      attachment,
      createdAt: new Date().toISOString(),
      status: "queued",
    };
    this.setPending([...this.state.pending, pending]);
    void this.flushPending();
  }

  retry(clientId: string) {
    this.updatePending(clientId, { status: "queued", error: undefined });
    void this.flushPending();
  }

  discard(clientId: string) {
    this.setPending(this.state.pending.filter((p) => p.clientId !== clientId));
  }

  /** Sends queued messages one by one, in the order they were written. */
  private async flushPending() {
    if (this.flushing || !this.state.joined) return;
    this.flushing = true;
    try {
      for (;;) {
        const next = this.state.pending.find((p) => p.status === "queued");
        if (!next || !this.state.joined || this.stopped) return;
        this.updatePending(next.clientId, { status: "sending" });
        const ack = await emitWithAck(
          "studio:send",
          {
            studioId: this.studioId,
            text: next.text,
            clientId: next.clientId,
            replyTo: next.replyTo?.id,
            attachmentId: next.attachment?.id,
          },
          SEND_TIMEOUT_MS,
        );
        if (ack.ok) {
          this.merge([ack.message]);
          this.setPending(this.state.pending.filter((p) => p.clientId !== next.clientId));
        } else if (ack.error.code === "timeout") {
          // the connection is gone or slow: keep it queued, the next join sends it again
          this.updatePending(next.clientId, { status: "queued" });
          return;
        } else {
          this.updatePending(next.clientId, { status: "failed", error: ack.error.message });
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  // ---------- other actions (answer with an error message or null) ----------

  private lastTypingSent = 0;
  typing(active: boolean) {
    if (!this.state.joined) return;
    const now = Date.now();
    if (active && now - this.lastTypingSent < 2000) return;
    this.lastTypingSent = active ? now : 0;
    void emitWithAck("studio:typing", { studioId: this.studioId, typing: active }, 3000);
  }

  private lastReadSent = 0;
  markRead() {
    const seq = this.maxSeq;
    const me = this.state.studio?.members.find((m) => m.userId === this.meId);
    if (!this.state.joined || !me || seq <= Math.max(me.readSeq, this.lastReadSent)) return;
    this.lastReadSent = seq;
    this.patchMember(this.meId, (m) => ({ ...m, readSeq: Math.max(m.readSeq, seq) }));
    void emitWithAck("studio:read", { studioId: this.studioId, seq }, 5000);
  }

  async edit(messageId: string, text: string) {
    const ack = await emitWithAck("studio:edit", { studioId: this.studioId, messageId, text });
    if (!ack.ok) return ack.error.message;
    this.onUpdate({ studioId: this.studioId, message: ack.message });
    return null;
  }

  async withdraw(messageId: string) {
    const ack = await emitWithAck("studio:withdraw", { studioId: this.studioId, messageId });
    if (!ack.ok) return ack.error.message;
    this.onUpdate({ studioId: this.studioId, message: ack.message });
    return null;
  }

  async pin(messageId: string, pinned: boolean) {
    const ack = await emitWithAck("studio:pin", { studioId: this.studioId, messageId, pinned });
    if (!ack.ok) return ack.error.message;
    this.onUpdate({ studioId: this.studioId, message: ack.message });
    return null;
  }

  async assignTask(input: { title: string; dueAt: string; capability?: StudioTask["capability"] }) {
    const ack = await emitWithAck("studio:task", {
      studioId: this.studioId,
      title: input.title,
      dueAt: input.dueAt,
      capability: input.capability ?? undefined,
      clientId: newClientId(),
    });
    if (!ack.ok) return ack.error.message;
    this.merge([ack.message]);
    this.upsertTask(ack.task);
    return null;
  }

  async setTaskState(taskId: string, state: "received" | "done") {
    const ack = await emitWithAck("studio:taskState", { studioId: this.studioId, taskId, state });
    if (!ack.ok) return ack.error.message;
    this.upsertTask(ack.task);
    return null;
  }
}
