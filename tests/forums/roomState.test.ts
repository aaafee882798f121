import { describe, expect, it } from "vitest";
import type { User } from "../../shared/auth.ts";
import type { ForumChatMessage, ForumSnapshot } from "../../shared/forums.ts";
import { CHAT_KEPT, mergeChat, reduce } from "../../client/src/features/forums/roomState.ts";
import { joinRetryDelay } from "../../client/src/features/forums/useForumRoom.ts";

/** Finding 7, the client side: a join's snapshot must not drop a line pushed while it ran. */

const line = (n: number, at = n): ForumChatMessage => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  forumId: "f",
  clientId: `c${n}`,
  author: { id: "u", displayName: "书记", role: "secretary" },
  text: `第${n}条`,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString(),
});

const me = { id: "me" } as User;
const snapshotWith = (chat: ForumChatMessage[]) =>
  ({ chat, questions: [], forum: { talks: [] } }) as unknown as ForumSnapshot;

describe("mergeChat", () => {
  it("adds a line pushed during the join that the snapshot's query missed, in time order", () => {
    const merged = mergeChat([line(1), line(2)], [line(3)]);
    expect(merged.map((m) => m.text)).toEqual(["第1条", "第2条", "第3条"]);
  });

  it("keeps one copy of a line that is in both, and orders by time then id", () => {
    const merged = mergeChat([line(1), line(3)], [line(3), line(2), line(2)]);
    expect(merged.map((m) => m.text)).toEqual(["第1条", "第2条", "第3条"]);
  });

  it("keeps at most CHAT_KEPT lines, the newest", () => {
    const many = Array.from({ length: CHAT_KEPT }, (_, i) => line(i));
    const merged = mergeChat(many, [line(CHAT_KEPT)]);
    expect(merged).toHaveLength(CHAT_KEPT);
    expect(merged.at(-1)!.id).toBe(line(CHAT_KEPT).id);
  });
});

describe("the room reducer", () => {
  it("a re-join keeps the line that arrived while it ran, and drops lines the snapshot no longer has from before", () => {
    let state = reduce(null, { type: "snapshot", snapshot: snapshotWith([line(1)]), me, arrivedDuringJoin: [] });
    // before the re-join: a line that was later removed on the server (the snapshot is the truth for it)
    state = reduce(state, { type: "chat", message: line(2) });
    // the re-join runs; line 4 is pushed meanwhile, committed after the snapshot's query read the chat
    state = reduce(state, { type: "chat", message: line(4) });
    state = reduce(state, {
      type: "snapshot",
      snapshot: snapshotWith([line(1), line(3)]),
      me,
      arrivedDuringJoin: [line(4)],
    });
    expect(state!.chat.map((m) => m.text)).toEqual(["第1条", "第3条", "第4条"]);
  });
});

describe("join retries", () => {
  it("wait longer after each timeout, up to 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(joinRetryDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
