import { WatchCheckinsSchema } from "../../shared/trainings.ts";
import type { IoSocket } from "../context.ts";
import type { TrainingsContext } from "./keys.ts";
import { handle } from "../realtime/handle.ts";
import { checkinBoard, checkinRoom } from "./checkins.ts";

/** Hosts watch who checks in, live; the board is read first, so only hosts join the room. */
export function trainingSocket(socket: IoSocket, ctx: TrainingsContext): void {
  handle(socket, ctx, "checkin:watch", WatchCheckinsSchema, async ({ kind, activityId }) => {
    const board = await checkinBoard(ctx, socket.data.user, kind, activityId);
    await socket.join(checkinRoom(kind, activityId));
    return { board };
  });
  handle(socket, ctx, "checkin:unwatch", WatchCheckinsSchema, async ({ kind, activityId }) => {
    await socket.leave(checkinRoom(kind, activityId));
    return {};
  });
}
