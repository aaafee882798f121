import type { User } from "../../shared/auth.ts";

/**
 * Who was signed in on this browser when the server last answered. With the server unreachable, a
 * tab opened from the offline shell uses it to find that person's local copies (read-only until
 * the server can check their rights again). Forgotten at sign-out and whenever the server says
 * nobody is signed in, so a shared PC never shows it to the next person.
 */
const KEY = "last-signed-in-user";

export function rememberLastUser(user: User): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(user));
  } catch {
    // storage blocked: the offline fallback is simply not available
  }
}

export function lastUser(): User | null {
  try {
    const stored = localStorage.getItem(KEY);
    return stored ? (JSON.parse(stored) as User) : null;
  } catch {
    return null;
  }
}

export function forgetLastUser(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
