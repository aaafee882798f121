import {
  STUDIO_REPLAY_MAX,
  StudioAssignTaskSchema,
  StudioEditSchema,
  StudioJoinSchema,
  StudioLeaveSchema,
  StudioMessageRefSchema,
  StudioPinSchema,
  StudioReadSchema,
  StudioSendSchema,
  StudioTaskStateSchema,
  StudioTypingSchema,
  type StudioJoinResult,
} from "../../shared/studios.ts";
import type { IoSocket } from "../context.ts";
import type { StudiosContext } from "./state.ts";
import { handle } from "../realtime/handle.ts";
import { changedMessages, historyPage, pinnedMessages } from "./messages.ts";
import {
  editMessage,
  getStudio,
  loadAccess,
  markRead,
  memberAccess,
  onlineUserIds,
  pinMessage,
  sendMessage,
  studioRoom,
  touchLastSeen,
  withdrawMessage,
} from "./service.ts";
import { isMember, readableUntil } from "./policy.ts";
import { assignTask, listTasks, setTaskState } from "./tasks.ts";

/** Live studio events of one connection: handlers parse, call the service, shape the ack. */
export function studioSocket(socket: IoSocket, ctx: StudiosContext): void {
  const user = () => socket.data.user;
  /** studios this socket has joined, for presence on disconnect and typing */
  const joined = new Set<string>();

  handle(
    socket,
    ctx,
    "studio:join",
    StudioJoinSchema,
    async ({ studioId, lastSeq, changedSince }): Promise<StudioJoinResult> => {
      const access = await loadAccess(ctx, studioId);
      // A leaver reads their part of the record (up to `until`) but never joins the live room again.
      const until = readableUntil(access, user());
      let wasOnline = true;
      if (!until) {
        // Join the room before reading, so a message committed meanwhile is either in the replay or
        // pushed live (the client drops the duplicate by seq) — never neither.
        wasOnline = (await onlineUserIds(ctx, studioId)).has(user().id);
        await socket.join(studioRoom(studioId));
        joined.add(studioId);
      }
      const serverTime = new Date().toISOString();
      const [studio, pins, tasks] = await Promise.all([
        getStudio(ctx, user(), studioId),
        pinnedMessages(ctx.db, studioId, until),
        listTasks(ctx, studioId, undefined, until),
      ]);
      let messages: Awaited<ReturnType<typeof historyPage>>;
      let complete = true;
      if (lastSeq === undefined) {
        messages = await historyPage(ctx.db, studioId, { limit: 50 }, until);
      } else {
        messages = await historyPage(ctx.db, studioId, { after: lastSeq, limit: STUDIO_REPLAY_MAX + 1 }, until);
        if (messages.length > STUDIO_REPLAY_MAX) {
          messages = messages.slice(0, STUDIO_REPLAY_MAX);
          complete = false;
        }
      }
      const changed =
        lastSeq !== undefined && changedSince
          ? await changedMessages(ctx.db, studioId, lastSeq, new Date(changedSince), until)
          : [];
      if (!wasOnline) {
        socket
          .to(studioRoom(studioId))
          .emit("studio:presence", { studioId, userId: user().id, online: true, lastSeenAt: null });
      }
      return { studio, messages, complete, changed, pins, tasks, serverTime };
    },
  );

  handle(socket, ctx, "studio:leave", StudioLeaveSchema, async ({ studioId }) => {
    if (joined.delete(studioId)) {
      await socket.leave(studioRoom(studioId));
      await announceIfGone(studioId);
    }
    return {};
  });

  handle(socket, ctx, "studio:send", StudioSendSchema, async (input) => {
    const { message } = await sendMessage(ctx, user(), input, socket.id);
    return { message };
  });

  handle(socket, ctx, "studio:edit", StudioEditSchema, async (input) => ({
    message: await editMessage(ctx, user(), input),
  }));

  handle(socket, ctx, "studio:withdraw", StudioMessageRefSchema, async ({ studioId, messageId }) => ({
    message: await withdrawMessage(ctx, user(), studioId, messageId),
  }));

  handle(socket, ctx, "studio:pin", StudioPinSchema, async ({ studioId, messageId, pinned }) => ({
    message: await pinMessage(ctx, user(), studioId, messageId, pinned),
  }));

  handle(socket, ctx, "studio:typing", StudioTypingSchema, async ({ studioId, typing }) => {
    // Members now only: someone taken out mid-term is refused even on a socket that joined before.
    await memberAccess(ctx, studioId, user());
    await ctx.limits.typing.consume(user().id);
    socket
      .to(studioRoom(studioId))
      .emit("studio:typing", { studioId, userId: user().id, displayName: user().displayName, typing });
    return {};
  });

  handle(socket, ctx, "studio:read", StudioReadSchema, async ({ studioId, seq }) => ({
    seq: await markRead(ctx, user(), studioId, seq),
  }));

  handle(socket, ctx, "studio:task", StudioAssignTaskSchema, async (input) => assignTask(ctx, user(), input));

  handle(socket, ctx, "studio:taskState", StudioTaskStateSchema, async (input) => ({
    task: await setTaskState(ctx, user(), input),
  }));

  /** Tells the room the user went offline when this was their last socket there. */
  async function announceIfGone(studioId: string) {
    const stillThere = (await onlineUserIds(ctx, studioId)).has(user().id);
    if (stillThere) return;
    const at = new Date();
    await touchLastSeen(ctx, [studioId], user().id, at);
    ctx.io
      .to(studioRoom(studioId))
      .emit("studio:presence", { studioId, userId: user().id, online: false, lastSeenAt: at.toISOString() });
    ctx.io
      .to(studioRoom(studioId))
      .emit("studio:typing", { studioId, userId: user().id, displayName: user().displayName, typing: false });
  }

  socket.on("disconnect", () => {
    for (const studioId of joined) {
      announceIfGone(studioId).catch((err) => ctx.log.warn({ err }, "studio presence update failed"));
    }
    joined.clear();
  });
}

/**
 * The user's membership changed (feature hook, on every process): a socket in a studio's room the
 * user is no longer a member of leaves it at once, so no further line reaches them.
 */
export async function recheckStudioRooms(socket: IoSocket, ctx: StudiosContext): Promise<void> {
  const studioIds = [...socket.rooms].flatMap((room) => /^studio:([^:]+)$/.exec(room)?.[1] ?? []);
  for (const studioId of studioIds) {
    const access = await loadAccess(ctx, studioId).catch(() => null);
    if (!access || !isMember(access, socket.data.user.id)) await socket.leave(studioRoom(studioId));
  }
}
