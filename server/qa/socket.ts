import { QaControlSchema, QaQueueAddSchema, QaReorderSchema, QaSubscribeSchema } from "../../shared/qa.ts";
import type { AppContext, IoSocket } from "../context.ts";
import { handle } from "../realtime/handle.ts";
import { addToQueue, boardRoom, controlEvent, eventRoom, eventState, reorderQueue } from "./live.ts";

/** Live board and 老书记论坛 events: handlers only parse, call the service and join rooms. */
export function qaSocket(socket: IoSocket, ctx: AppContext): void {
  const viewer = () => socket.data.user;

  handle(socket, ctx, "qa:subscribe", QaSubscribeSchema, async ({ eventId }) => {
    if (!eventId) {
      await socket.join(boardRoom);
      return { state: null };
    }
    // the state is read first: an unknown event is refused before joining its room
    const state = await eventState(ctx, viewer(), eventId);
    await socket.join(eventRoom(eventId));
    return { state };
  });

  handle(socket, ctx, "qa:unsubscribe", QaSubscribeSchema, async ({ eventId }) => {
    await socket.leave(eventId ? eventRoom(eventId) : boardRoom);
    return {};
  });

  handle(socket, ctx, "qa:control", QaControlSchema, async (input) => ({
    state: await controlEvent(ctx, viewer(), input),
  }));
  handle(socket, ctx, "qa:reorder", QaReorderSchema, async (input) => ({
    state: await reorderQueue(ctx, viewer(), input),
  }));
  handle(socket, ctx, "qa:queueAdd", QaQueueAddSchema, async (input) => ({
    state: await addToQueue(ctx, viewer(), input),
  }));
}
