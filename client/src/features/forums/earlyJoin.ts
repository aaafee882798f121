import type { ForumServerEvents, ForumSnapshot } from "../../../../shared/forums.ts";
import { emitWithAck, type EventAck, getSocket } from "../../socket.ts";

/** The room's pushes useForumRoom follows; kept from the early join's emit until it takes over. */
export const ROOM_EVENTS = [
  "forum:state",
  "forum:slide",
  "forum:chat",
  "forum:question",
  "forum:scoreboard",
  "forum:presence",
  "forum:deleted",
] as const satisfies readonly (keyof ForumServerEvents)[];

type RoomEvent = (typeof ROOM_EVENTS)[number];

export type RoomPush = { [E in RoomEvent]: { event: E; payload: Parameters<ForumServerEvents[E]>[0] } }[RoomEvent];

/** A handler for each of the room's pushes: the same table listens live and replays what was kept. */
export type RoomHandlers = { [E in RoomEvent]: ForumServerEvents[E] };

/** Listens to each of the room's pushes with its handler; returns what stops listening. */
export function listenToRoom(handlers: RoomHandlers): () => void {
  // socket.io's typed overloads can't follow a key through a loop
  const loose = getSocket() as unknown as {
    on(event: string, fn: never): void;
    off(event: string, fn: never): void;
  };
  const entries = Object.entries(handlers) as [string, never][];
  for (const [event, handler] of entries) loose.on(event, handler);
  return () => {
    for (const [event, handler] of entries) loose.off(event, handler);
  };
}

/** Hands a kept push to its handler. */
export function replayPush(handlers: RoomHandlers, push: RoomPush): void {
  // the event names the payload's type; TypeScript can't follow that through the union
  (handlers[push.event] as (payload: unknown) => void)(push.payload);
}

export type JoinAck = EventAck<"forum:join">;

/** An early join handed over: its answer, and every push of the room that came while it waited. */
export type EarlyJoin = { ack: Promise<JoinAck>; pushes: RoomPush[] };

type Pending = {
  forumId: string;
  emitted: boolean;
  ack: Promise<JoinAck>;
  /** the answer once it is here, for the first render */
  answered?: JoinAck;
  /** the room as the page's boot script had it over HTTP, if that came first */
  peeked?: JoinAck;
  pushes: RoomPush[];
  stop(): void;
};

let pending: Pending | null = null;

/** Pushes an early join keeps for the page at most (a busy room sends ~20 a second). */
const MAX_KEPT = 2_000;

/**
 * A room opened cold — a forum's QR code, a ballot code — is joined as soon as the realtime
 * connection is up, beside the page's first render instead of after it (on a throttled phone the
 * room page mounted half a second after the connection was ready). Everything the room pushes from
 * the join on is kept, in order, for useForumRoom to replay after the snapshot: nothing that
 * happens in between is lost. Resolves once the server has answered, or the connection was
 * refused (signed out): the first render waits for it (main.tsx).
 */
export function joinEarly(forumId: string, timeoutMs = 15_000): Promise<unknown> {
  pending?.stop();
  const socket = getSocket();
  const pushes: RoomPush[] = [];
  // all of them: useForumRoom's handlers pick this forum's when they replay them. A page that never
  // takes the join over (sent elsewhere on the way) must not keep a busy room's pushes for ever:
  // past MAX_KEPT the early join is dropped, and a room page opened later joins as usual.
  const keepers = Object.fromEntries(
    ROOM_EVENTS.map((event) => [
      event,
      (payload: unknown) => {
        pushes.push({ event, payload } as RoomPush);
        if (pushes.length >= MAX_KEPT) current.stop();
      },
    ]),
  ) as unknown as RoomHandlers;
  const stopKeeping = listenToRoom(keepers);
  let onRefused: () => void = () => {};
  const refused = new Promise<void>((resolve) => {
    onRefused = resolve;
  });
  socket.once("connect_error", onRefused);
  let emit: () => void = () => {};
  const ack = new Promise<JoinAck>((resolve) => {
    emit = () => {
      socket.off("connect", emit);
      current.emitted = true;
      void emitWithAck("forum:join", { forumId }, timeoutMs).then(resolve);
    };
  });
  const current: Pending = {
    forumId,
    emitted: false,
    ack,
    pushes,
    stop() {
      stopKeeping();
      socket.off("connect", emit);
      socket.off("connect_error", onRefused);
      if (pending === current) pending = null;
    },
  };
  pending = current;
  void ack.then((answer) => {
    current.answered = answer;
  });
  if (socket.connected) emit();
  else socket.on("connect", emit);
  return Promise.race([ack, refused, peekEarly(current)]);
}

declare global {
  interface Window {
    /**
     * the room's state a page's boot script asked for over HTTP (null: refused or failed):
     * client/public/boot/forum-room.js for a forum's room, guest-code.js for a ballot code's guest
     */
    earlyRoom?: { forumId: string; answer: Promise<{ state: ForumSnapshot } | null> };
  }
}

/**
 * Settles when the boot script's request for this room has brought its state, kept for the first
 * render; never when there is none or it failed: then the join's answer is what the render waits for.
 */
function peekEarly(current: Pending): Promise<void> {
  const started = window.earlyRoom;
  window.earlyRoom = undefined;
  if (started?.forumId !== current.forumId) return new Promise(() => {});
  return new Promise((resolve) => {
    void started.answer.then((body) => {
      if (!body?.state || current.answered) return;
      current.peeked = { ok: true, state: body.state };
      resolve();
    });
  });
}

/**
 * What the first render can show of this forum's room: the early join's answer if it is here, else
 * the state the boot script fetched (the join's answer then replaces it, see useForumRoom).
 */
export function earlyAnswer(forumId: string): JoinAck | undefined {
  return pending?.forumId === forumId ? (pending.answered ?? pending.peeked) : undefined;
}

/**
 * Hands the early join for this forum to the caller, who listens to the room's pushes from now on:
 * the early listeners stop here, so each push is either in `pushes` or the caller's. A join not
 * yet sent (the connection isn't up) is dropped instead — the caller joins on connecting as usual.
 */
export function takeEarlyJoin(forumId: string): EarlyJoin | null {
  const taken = pending;
  if (!taken) return null;
  taken.stop();
  if (taken.forumId !== forumId || !taken.emitted) return null;
  return { ack: taken.ack, pushes: taken.pushes };
}
