import type { ForumSnapshot, GuestView } from "../../../../shared/forums.ts";
import { api, readAnswer } from "../../api.ts";
import { connectSocket, getSocket } from "../../socket.ts";
import { joinEarly } from "../forums/earlyJoin.ts";

declare global {
  interface Window {
    /**
     * the requests client/public/boot/guest-code.js started for the code in the address: the code's
     * answer, and the guest's room once it opened (null: refused or failed)
     */
    earlyGuestCode?: { code: string; answer: Promise<Response>; room?: Promise<{ state: ForumSnapshot } | null> };
  }
}

/** The request started at boot for the code in the address, until the page takes it. */
let early: { code: string; guest: Promise<GuestView>; answered?: GuestView } | null = null;

/**
 * A printed ballot code opens a guest session (the server answers with its cookie). The page's
 * first attempt takes the answer of the request started at boot, if it was for this code.
 */
export function openGuestCode(code: string): Promise<GuestView> {
  if (early?.code === code) {
    const { guest } = early;
    early = null;
    return guest;
  }
  return redeemGuestCode(code);
}

/** Asks the server to open a guest session for the code, never taking an earlier answer. */
export function redeemGuestCode(code: string): Promise<GuestView> {
  return api<{ guest: GuestView }>("/api/guest/code", { method: "POST", body: { code } }).then((r) => r.guest);
}

/** Opens the realtime connection of a guest, authenticated by the cookie an opened code set. */
export function connectAsGuest(): void {
  getSocket().auth = { guest: true };
  connectSocket();
}

/** The guest the boot's request opened for this code, once it has answered (for the first render). */
export function earlyGuest(code: string): GuestView | undefined {
  return early?.code === code ? early.answered : undefined;
}

/**
 * Started by App.tsx: a phone that scanned the code waits for one round trip beside the scripts,
 * not one after them — the page's boot script (client/public/boot/guest-code.js) has usually asked
 * already, and its answer is taken rather than asking again — and the guest's realtime
 * connection and the forum's join follow at once (earlyJoin.ts). Failures are the page's to show
 * when it takes the answer. Settles when the room is here for the first render (the boot script's
 * copy or the join's answer) or nothing more will happen.
 */
export function openGuestCodeEarly(code: string): Promise<unknown> {
  const started = window.earlyGuestCode;
  // taken, and marked as taken: a boot script that arrives later (it is async) then asks for nothing
  window.earlyGuestCode = undefined;
  const guest =
    started?.code === code
      ? readAnswer<{ guest: GuestView }>(started.answer).then((r) => r.guest)
      : openGuestCode(code);
  const entry: NonNullable<typeof early> = { code, guest };
  early = entry;
  return guest.then(
    (opened) => {
      entry.answered = opened;
      // the room the boot script asked for is the first render's until the join answers (earlyJoin.ts)
      if (started?.code === code && started.room) window.earlyRoom = { forumId: opened.forumId, answer: started.room };
      connectAsGuest();
      return joinEarly(opened.forumId);
    },
    () => {},
  );
}
