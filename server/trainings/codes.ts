import { createHmac, timingSafeEqual } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import type { ActivityKind } from "../../shared/trainings.ts";

/**
 * Rotating check-in codes (签到码). A code names its activity and its period and carries an HMAC
 * over both, so any server process holding the key can check it without a table of issued codes.
 * The code of period p is shown from p·S to (p+1)·S and accepted until (p+1)·S + grace, so a person
 * who scanned and then signed in on a slow phone is not refused.
 */
const KIND_LETTER: Record<ActivityKind, string> = { training: "t", forum: "f", qa_event: "q" };
const LETTER_KIND: Record<string, ActivityKind> = { t: "training", f: "forum", q: "qa_event" };

export interface CodeClock {
  periodSeconds: number;
  graceSeconds: number;
}

export class CheckinCodes {
  constructor(
    private readonly key: string,
    private readonly clock: CodeClock,
  ) {}

  private mac(kind: ActivityKind, activityId: string, period: number): string {
    const digest = createHmac("sha256", this.key).update(`${kind}:${activityId}:${period}`).digest();
    return encodeBase32LowerCaseNoPadding(digest.subarray(0, 10));
  }

  /** The code on show at `nowMs`, and when the next one replaces it. */
  current(kind: ActivityKind, activityId: string, nowMs = Date.now()): { code: string; rotatesAt: Date } {
    const periodMs = this.clock.periodSeconds * 1000;
    const period = Math.floor(nowMs / periodMs);
    const compactId = activityId.replaceAll("-", "");
    return {
      code: `${KIND_LETTER[kind]}.${compactId}.${period}.${this.mac(kind, activityId, period)}`,
      rotatesAt: new Date((period + 1) * periodMs),
    };
  }

  /** The activity a code names when it is genuine and still accepted at `nowMs`, else null. */
  verify(code: string, nowMs = Date.now()): { kind: ActivityKind; activityId: string } | null {
    const match = /^([tfq])\.([0-9a-f]{32})\.([0-9]{1,12})\.([a-z2-7]{16})$/.exec(code);
    if (!match) return null;
    const kind = LETTER_KIND[match[1]!]!;
    const hex = match[2]!;
    const activityId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const period = Number(match[3]);
    const expected = Buffer.from(this.mac(kind, activityId, period));
    const given = Buffer.from(match[4]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const periodMs = this.clock.periodSeconds * 1000;
    const shownFrom = period * periodMs;
    const acceptedUntil = (period + 1) * periodMs + this.clock.graceSeconds * 1000;
    // a small allowance for clocks of several processes that disagree by a second or two
    if (nowMs < shownFrom - 5000 || nowMs >= acceptedUntil) return null;
    return { kind, activityId };
  }
}
