import type {
  Forum,
  ForumChatMessage,
  ForumPresence,
  ForumQuestion,
  ForumSnapshot,
  Scoreboard,
} from "../../../../shared/forums.ts";
import type { User } from "../../../../shared/auth.ts";

/** How many chat lines the room keeps in memory. */
export const CHAT_KEPT = 500;

/** `deleted`: the host withdrew the forum while this page was open. */
export type RoomState = ForumSnapshot & { me: User; deleted?: boolean };

/**
 * The chat a join ends with. The server joins the room first and reads the history second, so a
 * line sent in between reaches this client as a push *and* may be missing from the history it
 * reads; replacing the chat with the snapshot would drop that line. So the lines pushed while the
 * join was in flight are added to the snapshot's (once each, by id) in time order. Older lines
 * of the previous state are not kept: the snapshot is the truth for everything before the join.
 */
export function mergeChat(snapshotChat: ForumChatMessage[], arrivedDuringJoin: ForumChatMessage[]): ForumChatMessage[] {
  const known = new Set(snapshotChat.map((m) => m.id));
  const missing: ForumChatMessage[] = [];
  for (const m of arrivedDuringJoin) {
    if (known.has(m.id)) continue;
    known.add(m.id);
    missing.push(m);
  }
  if (missing.length === 0) return snapshotChat.slice(-CHAT_KEPT);
  return [...snapshotChat, ...missing]
    .sort((a, b) => (a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? -1 : 1))
    .slice(-CHAT_KEPT);
}

export type Action =
  /** `arrivedDuringJoin`: chat lines pushed while this join was in flight (see mergeChat) */
  | { type: "snapshot"; snapshot: ForumSnapshot; me: User; arrivedDuringJoin: ForumChatMessage[] }
  | { type: "forum"; forum: Forum }
  | { type: "slide"; talkId: string; slide: number }
  | { type: "chat"; message: ForumChatMessage }
  | { type: "question"; question: ForumQuestion }
  | { type: "scoreboard"; board: Scoreboard }
  | { type: "presence"; presence: ForumPresence }
  | { type: "vote"; questionId: string; votes: number; voted: boolean }
  | { type: "ballot"; talkId: string; scores: ForumSnapshot["myBallots"][string] }
  | { type: "deleted" };

function withViewer(state: RoomState, forum: Forum): RoomState {
  const current = forum.talks.find((t) => t.id === forum.currentTalkId);
  return {
    ...state,
    forum,
    viewer: { ...state.viewer, isPresenter: !!current && current.presenterId === state.me.id },
  };
}

function upsert<T extends { id: string }>(list: T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i === -1) return [...list, item];
  const copy = list.slice();
  copy[i] = item;
  return copy;
}

export function reduce(state: RoomState | null, action: Action): RoomState | null {
  if (action.type === "snapshot") {
    return { ...action.snapshot, chat: mergeChat(action.snapshot.chat, action.arrivedDuringJoin), me: action.me };
  }
  if (!state) return state;
  switch (action.type) {
    case "forum":
      return withViewer(state, action.forum);
    case "slide":
      return {
        ...state,
        forum: {
          ...state.forum,
          talks: state.forum.talks.map((t) => (t.id === action.talkId ? { ...t, slide: action.slide } : t)),
        },
      };
    case "chat":
      // a retried send arrives with the id already shown: keep one line
      if (state.chat.some((m) => m.id === action.message.id)) return state;
      return { ...state, chat: [...state.chat, action.message].slice(-CHAT_KEPT) };
    case "question": {
      const q = action.question;
      const visible =
        state.viewer.seesPending ||
        q.status === "open" ||
        q.status === "answered" ||
        (q.status === "pending" && q.mine);
      if (!visible) return { ...state, questions: state.questions.filter((x) => x.id !== q.id) };
      // an update pushed to the whole room is not marked mine: the asker's own mark is kept
      const existing = state.questions.find((x) => x.id === q.id);
      return { ...state, questions: upsert(state.questions, existing?.mine && !q.mine ? { ...q, mine: true } : q) };
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
      const myVotes = action.voted
        ? [...new Set([...state.myVotes, action.questionId])]
        : state.myVotes.filter((id) => id !== action.questionId);
      return {
        ...state,
        myVotes,
        questions: state.questions.map((q) => (q.id === action.questionId ? { ...q, votes: action.votes } : q)),
      };
    }
    case "deleted":
      return { ...state, deleted: true };
    case "ballot":
      return { ...state, myBallots: { ...state.myBallots, [action.talkId]: action.scores } };
  }
}
