import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";
import { moveBytesOut } from "../files/moveOut.ts";
import { sweepUnsentAttachments } from "./attachments.ts";
import { studioRoutes } from "./routes.ts";
import { studioAttachments } from "./schema.ts";
import { seedStudios } from "./seed.ts";
import { followAccessChanges } from "./service.ts";
import { recheckStudioRooms, studioSocket } from "./socket.ts";
import { StudioState, type StudiosContext } from "./state.ts";
import { remindDueSoon } from "./tasks.ts";

const REMINDER_INTERVAL_MS = 60_000;
const ATTACHMENT_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * 导师工作室 and 老书记帮带: mentoring chat rooms with tasks, pins, read receipts and the 带教记录
 * export. Each server makes its own, with its own access cache, commit queue and timers.
 */
export function createStudiosFeature(): Feature {
  let studiosContext: StudiosContext | undefined;
  const withState = (ctx: AppContext): StudiosContext => (studiosContext ??= { ...ctx, studios: new StudioState(ctx) });
  const timers = new Set<NodeJS.Timeout>();
  let unfollow: (() => void) | undefined;
  const every = (ms: number, work: () => Promise<unknown>) => {
    const timer = setInterval(() => void work(), ms);
    timer.unref();
    timers.add(timer);
  };

  return {
    name: "studios",
    routes: (api, ctx) => studioRoutes(api, withState(ctx)),
    socket: (socket, ctx) => studioSocket(socket, withState(ctx)),
    authorityChanged: (socket, ctx) => recheckStudioRooms(socket, withState(ctx)),
    seed: seedStudios,
    async prepare(ctx) {
      const target = {
        table: studioAttachments,
        key: studioAttachments.id,
        data: studioAttachments.data,
        sha256: studioAttachments.fileSha256,
      };
      const moved = await moveBytesOut(ctx.files, ctx.db, target);
      if (moved) ctx.log.info({ moved }, "studio attachments moved out of the database");
    },
    async start(ctx) {
      const sctx = withState(ctx);
      unfollow = await followAccessChanges(sctx);
      const remind = () => remindDueSoon(sctx).catch((err) => ctx.log.warn({ err }, "task reminder sweep failed"));
      every(REMINDER_INTERVAL_MS, remind);
      void remind();
      const graceMs = ctx.config.FILE_GRACE_HOURS * 60 * 60 * 1000;
      every(ATTACHMENT_SWEEP_INTERVAL_MS, () =>
        sweepUnsentAttachments(sctx, graceMs).catch((err) => ctx.log.warn({ err }, "attachment sweep failed")),
      );
    },
    stop() {
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      unfollow?.();
      studiosContext?.studios.clear();
    },
  };
}
