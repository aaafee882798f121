import { useCallback, useEffect, useReducer, useState } from "react";
import type {
  Forum,
  ForumChatMessage,
  ForumPresence,
  ForumQuestion,
  ForumSnapshot,
  Scoreboard,
} from "../../../../shared/forums.ts";
import type { User } from "../../../../shared/auth.ts";
import { emitWithAck, type EventAck, type EventPayload, getSocket } from "../../socket.ts";

type Action =
  | { type: "snapshot"; snapshot: ForumSnapshot; me: User }
  | { type: "forum"; forum: Forum }
  | { type: "slide"; talkId: string; slide: number }
  | { type: "chat"; message: ForumChatMessage }
  | { type: "question"; question: ForumQuestion }
  | { type: "scoreboard"; board: Scoreboard }
  | { type: "presence"; presence: ForumPresence }
  | { type: "vote"; questionId: string; votes: number; voted: boolean }
  | { type: "ballot"; talkId: string; scores: ForumSnapshot["myBallots"][string] }
  | { type: "deleted" };

/** `deleted`: the host withdrew the forum while this page was open. */
export type RoomState = ForumSnapshot & { me: User; deleted?: boolean };

function withViewer(state: RoomState, forum: Forum): RoomState {
  const current = forum.talks.find((t) => t.id === forum.currentTalkId);
  return { ...state, forum, viewer: { ...state.viewer, isPresenter: !!current && current.presenterId === state.me.id } };
}

function upsert<T extends { id: string }>(list: T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i === -1) return [...list, item];
  const copy = list.slice();
  copy[i] = item;
  return copy;
}

function reduce(state: RoomState | null, action: Action): RoomState | null {
  if (action.type === "snapshot") return { ...action.snapshot, me: action.me };
  if (!state) return state;
  switch (action.type) {
    case "forum":
      return withViewer(state, action.forum);
    case "slide":
      return {
        ...state,
        forum: { ...state.forum, talks: state.forum.talks.map((t) => (t.id === action.talkId ? { ...t, slide: action.slide } : t)) },
      };
    case "chat":
      // a retried send arrives with the id already shown: keep one line
      if (state.chat.some((m) => m.id === action.message.id)) return state;
      return { ...state, chat: [...state.chat, action.message].slice(-500) };
    case "question": {
      const q = action.question;
      const visible = state.viewer.seesPending || q.status === "open" || q.status === "answered" || (q.status === "pending" && q.author?.id === state.me.id);
      if (!visible) return { ...state, questions: state.questions.filter((x) => x.id !== q.id) };
      const existing = state.questions.find((x) => x.id === q.id);
      // an anonymous question keeps the author its own asker was told about
      const merged = existing && !q.author && existing.author ? { ...q, author: existing.author } : q;
      return { ...state, questions: upsert(state.questions, merged) };
    }
    case "scoreboard": {
      // a closed round is final: a live push that was computed just before the close must not replace it
      const known = state.scoreboards.find((b) => b.talkId === action.board.talkId);
      if (known?.roundStatus === "closed" && action.board.roundStatus !== "closed") return state;
      const others = state.scoreboards.filter((b) => b.talkId !== action.board.talkId);
      return { ...state, scoreboards: [...others, action.board] };
    }
    case "presence":
      return { ...state, presence: action.presence };
    case "vote": {
      const myVotes = action.voted ? [...new Set([...state.myVotes, action.questionId])] : state.myVotes.filter((id) => id !== action.questionId);
      return { ...state, myVotes, questions: state.questions.map((q) => (q.id === action.questionId ? { ...q, votes: action.votes } : q)) };
    }
    case "ballot":
      return { ...state, myBallots: { ...state.myBallots, [action.talkId]: action.scores } };
    case "deleted":
      return { ...state, deleted: true };
  }
}

export type JoinStatus = "joining" | "joined" | "resyncing" | "error";

/**
 * One forum's live state: joins on mount, follows every server push, and joins again after a
 * reconnect — the join acknowledgement is the full current state, so nothing missed while away
 * is lost and nothing is applied twice.
 */
export function useForumRoom(forumId: string, me: User) {
  const [state, dispatch] = useReducer(reduce, null);
  const [status, setStatus] = useState<JoinStatus>("joining");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const socket = getSocket();
    let alive = true;
    const join = async (again: boolean) => {
      if (again) setStatus("resyncing");
      const ack = await emitWithAck("forum:join", { forumId }, 15_000);
      if (!alive) return;
      if (ack.ok) {
        dispatch({ type: "snapshot", snapshot: ack.state, me });
        setStatus("joined");
        setError(null);
      } else if (ack.error.code !== "timeout" || !again) {
        setStatus("error");
        setError(ack.error.message);
      }
    };
    const mine = <T extends { forumId: string }>(fn: (p: T) => void) => (p: T) => {
      if (p.forumId === forumId) fn(p);
    };
    const onState = ({ forum }: { forum: Forum }) => forum.id === forumId && dispatch({ type: "forum", forum });
    const onSlide = mine((p: { forumId: string; talkId: string; slide: number }) => dispatch({ type: "slide", talkId: p.talkId, slide: p.slide }));
    const onChat = mine((message: ForumChatMessage) => dispatch({ type: "chat", message }));
    const onQuestion = mine((question: ForumQuestion) => dispatch({ type: "question", question }));
    const onBoard = mine((board: Scoreboard) => dispatch({ type: "scoreboard", board }));
    const onPresence = mine((presence: ForumPresence) => dispatch({ type: "presence", presence }));
    const onDeleted = mine(() => dispatch({ type: "deleted" }));
    const onConnect = () => void join(true);
    socket.on("forum:state", onState);
    socket.on("forum:slide", onSlide);
    socket.on("forum:chat", onChat);
    socket.on("forum:question", onQuestion);
    socket.on("forum:scoreboard", onBoard);
    socket.on("forum:presence", onPresence);
    socket.on("forum:deleted", onDeleted);
    socket.on("connect", onConnect);
    void join(false);
    return () => {
      alive = false;
      socket.off("forum:state", onState);
      socket.off("forum:slide", onSlide);
      socket.off("forum:chat", onChat);
      socket.off("forum:question", onQuestion);
      socket.off("forum:scoreboard", onBoard);
      socket.off("forum:presence", onPresence);
      socket.off("forum:deleted", onDeleted);
      socket.off("connect", onConnect);
      if (socket.connected) void emitWithAck("forum:leave", { forumId }, 2000);
    };
  }, [forumId, me]);

  return { room: state, status, error, dispatch: useCallback(dispatch, []) };
}

/**
 * Sends an event that must not be lost or doubled: the same payload (same clientId) is resent
 * after a timeout, up to a few times; the server answers a repeat with what it stored the first time.
 */
export async function sendReliably<E extends "forum:chat" | "forum:ask">(event: E, payload: EventPayload<E>, attempts = 3): Promise<EventAck<E>> {
  let last = await emitWithAck(event, payload, 8000);
  for (let i = 1; i < attempts; i++) {
    const answer = last as { ok: boolean; error?: { code: string } };
    if (answer.ok || answer.error?.code !== "timeout") break;
    last = await emitWithAck(event, payload, 8000);
  }
  return last;
}
