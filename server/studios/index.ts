import type { Feature } from "../feature.ts";
import { moveBytesOut } from "../files/moveOut.ts";
import { sweepUnsentAttachments } from "./attachments.ts";
import { studioRoutes } from "./routes.ts";
import { studioAttachments } from "./schema.ts";
import { seedStudios } from "./seed.ts";
import { followAccessChanges } from "./service.ts";
import { recheckStudioRooms, studioSocket } from "./socket.ts";
import { remindDueSoon } from "./tasks.ts";

const REMINDER_INTERVAL_MS = 60_000;
const ATTACHMENT_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** one per server started in this process (tests start several) */
const reminderTimers = new Set<NodeJS.Timeout>();
const unfollows = new Set<() => void>();

/** 导师工作室 and 老书记帮带: mentoring chat rooms with tasks, pins, read receipts and the 带教记录 export. */
export const studiosFeature: Feature = {
  name: "studios",
  routes: studioRoutes,
  socket: studioSocket,
  authorityChanged: recheckStudioRooms,
  seed: seedStudios,
  async prepare(ctx) {
    const target = { table: studioAttachments, key: studioAttachments.id, data: studioAttachments.data, sha256: studioAttachments.fileSha256 };
    const moved = await moveBytesOut(ctx.files, ctx.db, target);
    if (moved) ctx.log.info({ moved }, "studio attachments moved out of the database");
  },
  async start(ctx) {
    unfollows.add(await followAccessChanges(ctx));
    const sweep = () => remindDueSoon(ctx).catch((err) => ctx.log.warn({ err }, "task reminder sweep failed"));
    const timer = setInterval(sweep, REMINDER_INTERVAL_MS);
    timer.unref();
    reminderTimers.add(timer);
    void sweep();
    const graceMs = ctx.config.FILE_GRACE_HOURS * 60 * 60 * 1000;
    const sweepUnsent = () => sweepUnsentAttachments(ctx, graceMs).catch((err) => ctx.log.warn({ err }, "attachment sweep failed"));
    const unsentTimer = setInterval(sweepUnsent, ATTACHMENT_SWEEP_INTERVAL_MS);
    unsentTimer.unref();
    reminderTimers.add(unsentTimer);
  },
  stop() {
    for (const timer of reminderTimers) clearInterval(timer);
    reminderTimers.clear();
    for (const unfollow of unfollows) unfollow();
    unfollows.clear();
  },
};
