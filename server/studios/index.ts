import type { Feature } from "../features.ts";
import { studioRoutes } from "./routes.ts";
import { seedStudios } from "./seed.ts";
import { studioSocket } from "./socket.ts";
import { remindDueSoon } from "./tasks.ts";

const REMINDER_INTERVAL_MS = 60_000;
/** one per server started in this process (tests start several) */
const reminderTimers = new Set<NodeJS.Timeout>();

/** 导师工作室: mentor chat rooms with tasks, pins, read receipts and the 带教记录 export. */
export const studiosFeature: Feature = {
  name: "studios",
  routes: studioRoutes,
  socket: studioSocket,
  seed: seedStudios,
  start(ctx) {
    const sweep = () => remindDueSoon(ctx).catch((err) => ctx.log.warn({ err }, "task reminder sweep failed"));
    const timer = setInterval(sweep, REMINDER_INTERVAL_MS);
    timer.unref();
    reminderTimers.add(timer);
    void sweep();
  },
  stop() {
    for (const timer of reminderTimers) clearInterval(timer);
    reminderTimers.clear();
  },
};
