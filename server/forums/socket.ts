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
import type { IoSocket } from "../context.ts";
import { handle } from "../realtime/handle.ts";
import { forbidden } from "../lib/errors.ts";
import { forumGuestsRoom } from "./guests.ts";
import type { ForumsContext } from "./live.ts";
import { guestOf, seesPending } from "./policy.ts";
import { forumHostsRoom, forumRoom } from "./service.ts";

/**
 * Socket.IO handlers of the forums feature: parse, hand the command to the forum's owner (this
 * process or another one), shape the ack.
 */
export function forumSocket(socket: IoSocket, ctx: ForumsContext): void {
  const live = ctx.live;
  const user = () => socket.data.user;
  const joined = new Set<string>();

  // Joining again (after a reconnect) is the resync: the ack carries the whole current state.
  handle(socket, ctx, "forum:join", ForumJoinSchema, async ({ forumId }) => {
    const access = await live.hostOf(forumId);
    // rooms first, so the snapshot's presence includes this person and no push falls between the two
    const rooms = [forumRoom(forumId)];
    if (seesPending(user(), { ...access, currentTalkId: null })) rooms.push(forumHostsRoom(forumId));
    await socket.join(rooms);
    joined.add(forumId);
    return { state: await live.exec(forumId, "join", user(), null) };
  });

  handle(socket, ctx, "forum:leave", ForumJoinSchema, async ({ forumId }) => {
    for (const room of [forumRoom(forumId), forumHostsRoom(forumId)]) await socket.leave(room);
    if (joined.delete(forumId)) live.presenceChanged(user(), forumId);
    return {};
  });

  socket.on("disconnect", () => {
    for (const forumId of joined) live.presenceChanged(user(), forumId);
  });

  handle(socket, ctx, "forum:control", ForumControlSchema, async (input) => ({
    forum: await live.exec(input.forumId, "control", user(), input),
  }));
  handle(socket, ctx, "forum:slide", ForumSlideSchema, (input) => live.exec(input.forumId, "slide", user(), input));
  handle(socket, ctx, "forum:moderate", ForumModerateSchema, async (input) => ({
    question: await live.exec(input.forumId, "moderate", user(), input),
  }));
  handle(socket, ctx, "forum:round", ForumRoundSchema, async (input) => ({
    scoreboard: await live.exec(input.forumId, "round", user(), input),
  }));
  handle(socket, ctx, "forum:chat", ForumChatSchema, async (input) => ({
    message: await live.exec(input.forumId, "chat", user(), input),
  }));
  handle(socket, ctx, "forum:ask", ForumAskSchema, async (input) => ({
    question: await live.exec(input.forumId, "ask", user(), input),
  }));
  handle(socket, ctx, "forum:vote", ForumVoteSchema, async (input) => {
    await ctx.limits.voting.consume(user().id);
    return live.exec(input.forumId, "vote", user(), input);
  });
  handle(socket, ctx, "forum:score", ForumScoreSchema, (input) => live.exec(input.forumId, "score", user(), input));
}

/** What a guest of the hall may send: see the room, ask, upvote, score. Nothing else is even parsed. */
const GUEST_EVENTS = new Set(["forum:join", "forum:leave", "forum:ask", "forum:vote", "forum:score"]);

/**
 * Socket.IO handlers of a guest (现场评议): the audience events of their own forum only. Any other
 * event — another feature's, a host's, another forum — is refused with the standard ack.
 */
export function forumGuestSocket(socket: IoSocket, ctx: ForumsContext): void {
  const live = ctx.live;
  const user = () => socket.data.user;
  const guest = guestOf(user());
  let joined = false;
  const refused = { ok: false, error: { code: "forbidden", message: "现场观众只能参与本场论坛的评议" } } as const;
  socket.use(([event, ...args], next) => {
    if (GUEST_EVENTS.has(event)) return next();
    const ack = args[args.length - 1];
    if (typeof ack === "function") ack(refused);
  });
  const ownForum = (forumId: string) => {
    if (!guest || forumId !== guest.forumId) throw forbidden("选票码只能用于本场论坛");
    return forumId;
  };

  handle(socket, ctx, "forum:join", ForumJoinSchema, async ({ forumId }) => {
    ownForum(forumId);
    await socket.join([forumRoom(forumId), forumGuestsRoom(forumId)]);
    joined = true;
    return { state: await live.exec(forumId, "join", user(), null) };
  });
  handle(socket, ctx, "forum:leave", ForumJoinSchema, async ({ forumId }) => {
    ownForum(forumId);
    await socket.leave(forumRoom(forumId));
    if (joined) live.presenceChanged(user(), forumId);
    joined = false;
    return {};
  });
  socket.on("disconnect", () => {
    if (joined && guest) live.presenceChanged(user(), guest.forumId);
  });
  handle(socket, ctx, "forum:ask", ForumAskSchema, async (input) => ({
    question: await live.exec(ownForum(input.forumId), "ask", user(), input),
  }));
  handle(socket, ctx, "forum:vote", ForumVoteSchema, async (input) => {
    await ctx.limits.voting.consume(user().id);
    return live.exec(ownForum(input.forumId), "vote", user(), input);
  });
  handle(socket, ctx, "forum:score", ForumScoreSchema, (input) =>
    live.exec(ownForum(input.forumId), "score", user(), input),
  );
}

/**
 * After a role change: the hosts' room of each forum this socket is in follows the fresh user row
 * (a demoted admin stops receiving pending questions).
 */
export async function recheckForumRooms(socket: IoSocket, ctx: ForumsContext): Promise<void> {
  const live = ctx.live;
  const forumIds = [...socket.rooms].flatMap((room) => /^forum:([^:]+)$/.exec(room)?.[1] ?? []);
  for (const forumId of forumIds) {
    const forum = await live.hostOf(forumId);
    const user = socket.data.user;
    if (seesPending(user, { ...forum, currentTalkId: null })) await socket.join(forumHostsRoom(forumId));
    else await socket.leave(forumHostsRoom(forumId));
  }
}
