import type { GuestView } from "../../../../shared/forums.ts";
import { api } from "../../api.ts";

/** The request started at boot for the code in the address, until the page takes it. */
let early: { code: string; guest: Promise<GuestView> } | null = null;

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

/**
 * Started by App.tsx while the page's scripts are still arriving: a phone that scanned the code
 * waits for one round trip beside the scripts, not one after them. Failures are the page's to
 * show when it takes the answer.
 */
export function openGuestCodeEarly(code: string): void {
  const guest = openGuestCode(code);
  guest.catch(() => {});
  early = { code, guest };
}
