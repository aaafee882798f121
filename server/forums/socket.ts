import {
  ForumAskSchema,
  ForumChatSchema,
  ForumControlSchema,
  ForumJoinSchema,
  ForumModerateSchema,
  ForumRoundSchema,
  ForumScoreSchema,
  ForumSlideSchema,
  ForumVoteSchema,
} from "../../shared/forums.ts";
import type { AppContext, IoSocket } from "../context.ts";
import { handle } from "../realtime/handle.ts";
import { forumLive } from "./live.ts";
import { seesAuthors, seesPending } from "./policy.ts";
import { findForumRow, forumAdminsRoom, forumHostsRoom, forumRoom } from "./service.ts";

/** Socket.IO handlers of the forums feature: parse, call the live service, shape the ack. */
export function forumSocket(socket: IoSocket, ctx: AppContext): void {
  const live = forumLive(ctx);
  const user = () => socket.data.user;
  const joined = new Set<string>();

  // Joining again (after a reconnect) is the resync: the ack carries the whole current state.
  handle(socket, ctx, "forum:join", ForumJoinSchema, async ({ forumId }) => {
    const forum = await findForumRow(ctx.db, forumId);
    // rooms first, so the snapshot's presence includes this person and no push falls between the two
    const rooms = [forumRoom(forumId)];
    if (seesPending(user(), forum)) rooms.push(forumHostsRoom(forumId));
    if (seesAuthors(user())) rooms.push(forumAdminsRoom(forumId));
    await socket.join(rooms);
    joined.add(forumId);
    live.schedulePresence(forumId);
    return { state: await live.snapshot(user(), forumId) };
  });

  handle(socket, ctx, "forum:leave", ForumJoinSchema, async ({ forumId }) => {
    for (const room of [forumRoom(forumId), forumHostsRoom(forumId), forumAdminsRoom(forumId)]) await socket.leave(room);
    joined.delete(forumId);
    live.schedulePresence(forumId);
    return {};
  });

  socket.on("disconnect", () => {
    for (const forumId of joined) live.schedulePresence(forumId);
  });

  handle(socket, ctx, "forum:control", ForumControlSchema, async (input) => ({ forum: await live.control(user(), input) }));
  handle(socket, ctx, "forum:slide", ForumSlideSchema, (input) => live.slide(user(), input));
  handle(socket, ctx, "forum:moderate", ForumModerateSchema, async (input) => ({ question: await live.questions.moderate(user(), input) }));
  handle(socket, ctx, "forum:round", ForumRoundSchema, async (input) => ({ scoreboard: await live.scoring.round(user(), input) }));
  handle(socket, ctx, "forum:chat", ForumChatSchema, async (input) => ({ message: await live.chat(user(), input) }));
  handle(socket, ctx, "forum:ask", ForumAskSchema, async (input) => ({ question: await live.questions.ask(user(), input) }));
  handle(socket, ctx, "forum:vote", ForumVoteSchema, async (input) => {
    await ctx.limits.voting.consume(user().id);
    return live.questions.vote(user(), input);
  });
  handle(socket, ctx, "forum:score", ForumScoreSchema, (input) => live.scoring.score(user(), input));
}

/**
 * After a role change: the host and admin rooms of each forum this socket is in follow the fresh
 * user row (a demoted admin stops receiving pending questions and anonymous askers' names).
 */
export async function recheckForumRooms(socket: IoSocket, ctx: AppContext): Promise<void> {
  const forumIds = [...socket.rooms].flatMap((room) => /^forum:([^:]+)$/.exec(room)?.[1] ?? []);
  for (const forumId of forumIds) {
    const forum = await findForumRow(ctx.db, forumId);
    const user = socket.data.user;
    for (const [room, allowed] of [
      [forumHostsRoom(forumId), seesPending(user, forum)],
      [forumAdminsRoom(forumId), seesAuthors(user)],
    ] as const) {
      if (allowed) await socket.join(room);
      else await socket.leave(room);
    }
  }
}
