import type { Feature } from "../features.ts";
import { studioRoutes } from "./routes.ts";
import { seedStudios } from "./seed.ts";
import { studioSocket } from "./socket.ts";
import { remindDueSoon } from "./tasks.ts";

const REMINDER_INTERVAL_MS = 60_000;
let reminderTimer: NodeJS.Timeout | undefined;

/** 导师工作室: mentor chat rooms with tasks, pins, read receipts and the 带教记录 export. */
export const studiosFeature: Feature = {
  name: "studios",
  routes: studioRoutes,
  socket: studioSocket,
  seed: seedStudios,
  start(ctx) {
    const sweep = () => remindDueSoon(ctx).catch((err) => ctx.log.warn({ err }, "task reminder sweep failed"));
    reminderTimer = setInterval(sweep, REMINDER_INTERVAL_MS);
    reminderTimer.unref();
    void sweep();
  },
  stop() {
    clearInterval(reminderTimer);
    reminderTimer = undefined;
  },
};
