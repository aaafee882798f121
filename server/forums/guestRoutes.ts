import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { GenerateCodesSchema, RedeemCodeSchema, VenueCapsSchema, VenueJoinSchema } from "../../shared/forums.ts";
import type { AppContext } from "../context.ts";
import { type ApiEnv, type PublicContext, type PublicEnv, readId, readJson } from "../http/env.ts";
import { IdSchema } from "../../shared/ids.ts";
import { fileResponse } from "../files/serve.ts";
import { notFound, parseWith } from "../lib/errors.ts";
import { deckFile } from "./decks.ts";
import type { ForumsContext } from "./live.ts";
import {
  ballotCodes,
  GUEST_COOKIE,
  generateCodes,
  guestUser,
  guestView,
  redeemCode,
  setVenueCaps,
  validateGuestSession,
  venueInfo,
  venueJoin,
} from "./guests.ts";

/** The host's tools for 现场评议: printed codes and the venue QR's caps (signed-in routes). */
export function ballotRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/forums/:id/ballot-codes", async (c) => c.json(await ballotCodes(ctx, c.var.user, readId(c))));

  api.post("/forums/:id/ballot-codes", async (c) => {
    const input = await readJson(c, GenerateCodesSchema);
    return c.json({ codes: await generateCodes(ctx, c.var.user, readId(c), input) }, 201);
  });

  api.put("/forums/:id/venue", async (c) => {
    const { caps } = await readJson(c, VenueCapsSchema);
    return c.json({ venue: await setVenueCaps(ctx, c.var.user, readId(c), caps) });
  });
}

function setGuestCookie(c: PublicContext, ctx: AppContext, token: string, expiresAt: Date): void {
  setCookie(c, GUEST_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: ctx.config.PUBLIC_ORIGIN?.startsWith("https:") ?? false,
    path: "/",
    expires: expiresAt,
  });
}

const VenueCodeParam = (c: PublicContext) => c.req.param("code") ?? "";

/**
 * The only routes a guest reaches (public: they read the guest cookie, never the sign-in session).
 * Everything else the guest does goes through the forum's Socket.IO events.
 */
export function guestRoutes(api: Hono<PublicEnv>, ctx: ForumsContext): void {
  api.get("/guest", async (c) => {
    const found = await validateGuestSession(ctx.db, getCookie(c, GUEST_COOKIE));
    if (!found) {
      deleteCookie(c, GUEST_COOKIE, { path: "/" });
      return c.json({ guest: null });
    }
    return c.json({ guest: await guestView(ctx.db, found.guest) });
  });

  // the slides of the guest's own forum (a deck of any other forum is not found)
  api.get("/guest/deck/:talkId", async (c) => {
    const found = await validateGuestSession(ctx.db, getCookie(c, GUEST_COOKIE));
    if (!found) throw notFound("选票已失效");
    const talkId = parseWith(IdSchema, c.req.param("talkId"));
    return fileResponse(ctx.files, c.req.raw, await deckFile(ctx, found.guest.forumId, talkId));
  });

  // The guest's room as their forum:join would answer, for the first render of a page opened from a
  // printed code (client/public/boot/guest-code.js asks once the code is redeemed): the room shows
  // without waiting for the realtime connection. `{state: null}` without a live guest session.
  api.get("/guest/room", async (c) => {
    const found = await validateGuestSession(ctx.db, getCookie(c, GUEST_COOKIE));
    if (!found) return c.json({ state: null });
    return c.json({ state: await ctx.live.exec(found.guest.forumId, "peek", guestUser(found.guest), null) });
  });

  api.post("/guest/code", async (c) => {
    const { code } = await readJson(c, RedeemCodeSchema);
    const { guest, token, expiresAt } = await redeemCode(ctx, code);
    setGuestCookie(c, ctx, token, expiresAt);
    return c.json({ guest });
  });

  api.get("/guest/venue/:code", async (c) => c.json({ venue: await venueInfo(ctx, VenueCodeParam(c)) }));

  api.post("/guest/venue/:code", async (c) => {
    const input = await readJson(c, VenueJoinSchema);
    const { guest, token, expiresAt, deviceToken } = await venueJoin(ctx, VenueCodeParam(c), input);
    setGuestCookie(c, ctx, token, expiresAt);
    return c.json({ guest, deviceToken });
  });
}
