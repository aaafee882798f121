import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { RoomState, RoomStore } from "./roomStore.ts";

/** How close to the bottom (px) still counts as reading the newest message. */
const BOTTOM_SLACK_PX = 60;
/** How close to the top (px) starts loading the older page. */
const TOP_LOAD_PX = 80;

/**
 * The chat list's scrolling: it stays pinned to the bottom while the reader is there, stays in place
 * when an older page loads above, and otherwise raises `newBelow` ("新消息") instead of jumping.
 * Messages are marked read only when the newest is actually in view and the tab is visible.
 */
export function useChatScroll(store: RoomStore, state: RoomState) {
  const listRef = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const prevFirstSeq = useRef(0);
  const prevHeight = useRef(0);
  const [newBelow, setNewBelow] = useState(false);

  // Before paint, so a prepended page or a new message never shows a frame at the wrong offset.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a message of one's own still pending is a new message too
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const first = state.messages[0]?.seq ?? 0;
    if (prevFirstSeq.current && first < prevFirstSeq.current && prevHeight.current) {
      el.scrollTop += el.scrollHeight - prevHeight.current;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    } else {
      setNewBelow(true);
    }
    prevFirstSeq.current = first;
    prevHeight.current = el.scrollHeight;
  }, [state.messages, state.pending]);

  const markReadIfSeen = useCallback(() => {
    if (atBottom.current && document.visibilityState === "visible") store.markRead();
  }, [store]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new message or a (re)join is the moment to mark what is seen
  useEffect(markReadIfSeen, [state.messages, state.joined, markReadIfSeen]);
  useEffect(() => {
    document.addEventListener("visibilitychange", markReadIfSeen);
    return () => document.removeEventListener("visibilitychange", markReadIfSeen);
  }, [markReadIfSeen]);

  const onScroll = () => {
    const el = listRef.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK_PX;
    prevHeight.current = el.scrollHeight;
    if (atBottom.current) {
      setNewBelow(false);
      markReadIfSeen();
    }
    if (el.scrollTop < TOP_LOAD_PX && state.hasOlder && !state.loadingOlder) void store.loadOlder();
  };

  const scrollToBottom = () => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setNewBelow(false);
    markReadIfSeen();
  };

  /** Scrolls to a message, loading older pages until it is there (bounded). */
  const showSeq = useCallback(
    async (seq: number) => {
      for (let i = 0; i < 20 && store.minSeq > seq && store.state.hasOlder; i++) await store.loadOlder();
      requestAnimationFrame(() => {
        const el = document.getElementById(`msg-${seq}`);
        if (!el) return;
        atBottom.current = false;
        el.scrollIntoView({ block: "center" });
        el.classList.add("studio-msg-flash");
        setTimeout(() => el.classList.remove("studio-msg-flash"), 2000);
      });
    },
    [store],
  );

  /** The reader's own message follows them down, wherever they had scrolled. */
  const followOwnMessage = () => {
    atBottom.current = true;
  };

  return { listRef, onScroll, newBelow, scrollToBottom, showSeq, followOwnMessage };
}
