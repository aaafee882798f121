import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";
import { moveBytesOut } from "../files/moveOut.ts";
import { ballotRoutes, guestRoutes } from "./guestRoutes.ts";
import { guestHandshake } from "./guests.ts";
import { ForumLive, type ForumsContext } from "./live.ts";
import { forumRoutes, roomForFirstRender } from "./routes.ts";
import { forumDecks } from "./schema.ts";
import { seedForums } from "./seed.ts";
import { forumGuestSocket, forumSocket, recheckForumRooms } from "./socket.ts";

/**
 * 书记论坛 / 群众考书记: live forum sessions with synced slides, questions and scoring. Each server
 * makes its own: the live state of running forums belongs to the server that made it.
 */
export function createForumsFeature(): Feature {
  let forumsContext: ForumsContext | undefined;
  // The live state starts with the first hook that has the context, so the write-behind runs from the start.
  const withLive = (ctx: AppContext): ForumsContext => (forumsContext ??= { ...ctx, live: new ForumLive(ctx) });
  return {
    name: "forums",
    routes(api, ctx) {
      forumRoutes(api, withLive(ctx));
      ballotRoutes(api, ctx);
    },
    publicRoutes(api, ctx) {
      // 现场评议: guests open a session with a ballot code and reach only these and the forum's audience events
      guestRoutes(api, withLive(ctx));
      roomForFirstRender(api, withLive(ctx));
    },
    socket: (socket, ctx) => forumSocket(socket, withLive(ctx)),
    guestHandshake,
    guestSocket: (socket, ctx) => forumGuestSocket(socket, withLive(ctx)),
    authorityChanged: (socket, ctx) => recheckForumRooms(socket, withLive(ctx)),
    seed: seedForums,
    async prepare(ctx) {
      const moved = await moveBytesOut(ctx.files, ctx.db, {
        table: forumDecks,
        key: forumDecks.talkId,
        data: forumDecks.data,
        sha256: forumDecks.fileSha256,
      });
      if (moved) ctx.log.info({ moved }, "slide decks moved out of the database");
      withLive(ctx);
    },
    async stop() {
      // the stage of every running forum is written and its ownership handed back before the database closes
      await forumsContext?.live.stop();
    },
  };
}
