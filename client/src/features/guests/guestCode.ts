import type { GuestView } from "../../../../shared/forums.ts";
import { api } from "../../api.ts";
import { connectSocket, getSocket } from "../../socket.ts";
import { joinEarly } from "../forums/earlyJoin.ts";

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
 * Started by App.tsx while the page's scripts are still arriving: a phone that scanned the code
 * waits for one round trip beside the scripts, not one after them, and the guest's realtime
 * connection and the forum's join follow at once (earlyJoin.ts). Failures are the page's to show
 * when it takes the answer. Settles when the join has its answer or nothing more will happen.
 */
export function openGuestCodeEarly(code: string): Promise<unknown> {
  const guest = openGuestCode(code);
  const entry: NonNullable<typeof early> = { code, guest };
  early = entry;
  return guest.then(
    (opened) => {
      entry.answered = opened;
      connectAsGuest();
      return joinEarly(opened.forumId);
    },
    () => {},
  );
}
