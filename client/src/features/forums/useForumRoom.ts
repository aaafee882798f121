import { useCallback, useEffect, useReducer, useState } from "react";
import type { Forum, ForumChatMessage, ForumPresence, ForumQuestion, Scoreboard } from "../../../../shared/forums.ts";
import type { User } from "../../../../shared/auth.ts";
import { emitWithAck, type EventAck, type EventPayload, getSocket } from "../../socket.ts";
import {
  earlyAnswer,
  type EarlyJoin,
  listenToRoom,
  type RoomHandlers,
  type RoomPush,
  replayPush,
  takeEarlyJoin,
} from "./earlyJoin.ts";
import { reduce } from "./roomState.ts";

export type { RoomState } from "./roomState.ts";

/** Pauses between join attempts that timed out: 1 s, 2 s, 4 s … up to 30 s, while the socket is up. */
export function joinRetryDelay(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** attempt);
}

export type JoinStatus = "joining" | "joined" | "resyncing" | "error";

/**
 * One forum's live state: joins on mount, follows every server push, and joins again after a
 * reconnect — the join acknowledgement is the full current state, so nothing missed while away
 * is lost and nothing is applied twice. Chat lines that arrive while a join is running are merged
 * into its snapshot, and a join that times out is tried again with a growing pause.
 */
export function useForumRoom(forumId: string, me: User) {
  // a room opened cold may already have its snapshot (earlyJoin.ts: the early join's answer, or the room
  // the page's boot script fetched, which the join's answer then replaces): the first render shows it
  const [seed] = useState(() => earlyAnswer(forumId));
  const [state, dispatch] = useReducer(reduce, null, () =>
    seed?.ok ? reduce(null, { type: "snapshot", snapshot: seed.state, me, arrivedDuringJoin: [] }) : null,
  );
  const [status, setStatus] = useState<JoinStatus>(seed?.ok ? "joined" : "joining");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const socket = getSocket();
    let alive = true;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    // Chat lines pushed while a join is in flight, merged into its snapshot (roomState.mergeChat).
    let arrivedDuringJoin: ForumChatMessage[] | null = null;
    let joinRound = 0;
    /** `early`: the join App.tsx started at boot, taken over instead of sending another */
    const join = async (again: boolean, attempt = 0, early?: EarlyJoin) => {
      clearTimeout(retryTimer);
      const round = ++joinRound;
      if (again) setStatus("resyncing");
      arrivedDuringJoin = [];
      const ack = await (early?.ack ?? emitWithAck("forum:join", { forumId }, 15_000));
      // a newer join (a reconnect meanwhile) owns the buffer and the outcome
      if (!alive || round !== joinRound) return;
      const kept = early?.pushes ?? [];
      const arrived = [
        ...kept.flatMap((push) => (push.event === "forum:chat" ? [push.payload] : [])),
        ...arrivedDuringJoin,
      ];
      arrivedDuringJoin = null;
      if (ack.ok) {
        // (the first render showed the early join's snapshot already: no second render of it)
        if (ack !== seed) dispatch({ type: "snapshot", snapshot: ack.state, me, arrivedDuringJoin: arrived });
        // what the room pushed while the early join waited for this page, in order, on top
        for (const push of kept) replay(push);
        setStatus("joined");
        setError(null);
      } else if (ack.error.code === "timeout") {
        // the server or the network is slow: keep showing what we have and try again, more slowly
        setStatus(again || attempt > 0 ? "resyncing" : "joining");
        retryTimer = setTimeout(() => {
          if (alive && socket.connected) void join(true, attempt + 1);
        }, joinRetryDelay(attempt));
      } else {
        setStatus("error");
        setError(ack.error.message);
      }
    };
    const mine =
      <T extends { forumId: string }>(fn: (p: T) => void) =>
      (p: T) => {
        if (p.forumId === forumId) fn(p);
      };
    const onState = ({ forum }: { forum: Forum }) => forum.id === forumId && dispatch({ type: "forum", forum });
    const onSlide = mine((p: { forumId: string; talkId: string; slide: number }) =>
      dispatch({ type: "slide", talkId: p.talkId, slide: p.slide }),
    );
    const onChat = mine((message: ForumChatMessage) => {
      arrivedDuringJoin?.push(message);
      dispatch({ type: "chat", message });
    });
    const onQuestion = mine((question: ForumQuestion) => dispatch({ type: "question", question }));
    const onBoard = mine((board: Scoreboard) => dispatch({ type: "scoreboard", board }));
    const onPresence = mine((presence: ForumPresence) => dispatch({ type: "presence", presence }));
    const onDeleted = mine(() => dispatch({ type: "deleted" }));
    const handlers: RoomHandlers = {
      "forum:state": onState,
      "forum:slide": onSlide,
      "forum:chat": onChat,
      "forum:question": onQuestion,
      "forum:scoreboard": onBoard,
      "forum:presence": onPresence,
      "forum:deleted": onDeleted,
    };
    const replay = (push: RoomPush) => replayPush(handlers, push);
    // Joined on connecting when the room mounts before the connection is up (a cold load renders
    // the room beside the handshake): one join, not one buffered plus one on connect.
    let joinedOnce = false;
    const onConnect = () => {
      void join(joinedOnce);
      joinedOnce = true;
    };
    const stopListening = listenToRoom(handlers);
    socket.on("connect", onConnect);
    // from here on this hook hears the room's pushes; the early join's keep what came before
    const early = takeEarlyJoin(forumId);
    if (early) {
      joinedOnce = true;
      void join(false, 0, early);
    } else if (socket.connected) onConnect();
    return () => {
      alive = false;
      clearTimeout(retryTimer);
      stopListening();
      socket.off("connect", onConnect);
      if (socket.connected) void emitWithAck("forum:leave", { forumId }, 2000);
    };
  }, [forumId, me, seed]);

  return { room: state, status, error, dispatch: useCallback(dispatch, []) };
}

/**
 * Sends an event that must not be lost or doubled: the same payload (same clientId) is resent
 * after a timeout, up to a few times; the server answers a repeat with what it stored the first time.
 */
export async function sendReliably<E extends "forum:chat" | "forum:ask">(
  event: E,
  payload: EventPayload<E>,
  attempts = 3,
): Promise<EventAck<E>> {
  let last = await emitWithAck(event, payload, 8000);
  for (let i = 1; i < attempts; i++) {
    const answer = last as { ok: boolean; error?: { code: string } };
    if (answer.ok || answer.error?.code !== "timeout") break;
    last = await emitWithAck(event, payload, 8000);
  }
  return last;
}
