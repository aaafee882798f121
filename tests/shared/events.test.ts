import { describe, expect, expectTypeOf, it } from "vitest";
import type { EventPayload, EventResult } from "../../shared/events.ts";
import { ForumVoteSchema } from "../../shared/forums.ts";
import type { AppContext, IoSocket } from "../../server/context.ts";
import { handle } from "../../server/realtime/handle.ts";

// These checks run in the type check (`npm run typecheck`, in CI): a `@ts-expect-error` that stops
// being an error fails it. The runtime part only keeps vitest from reporting an empty file.
describe("socket handlers are typed by the contract", () => {
  it("derives payload and result from shared/events.ts", () => {
    expectTypeOf<EventPayload<"forum:vote">>().toMatchTypeOf<{ forumId: string; questionId: string }>();
    expectTypeOf<EventResult<"forum:vote">>().toEqualTypeOf<{ questionId: string; votes: number; voted: boolean }>();
    expect(typeof handle).toBe("function");
  });

  it("refuses a handler whose answer does not match the contract", () => {
    const register = (socket: IoSocket, ctx: AppContext) => {
      // @ts-expect-error — forum:vote acknowledges { questionId, votes, voted }, not a count alone
      handle(socket, ctx, "forum:vote", ForumVoteSchema, async () => ({ votes: 1 }));
      handle(socket, ctx, "forum:vote", ForumVoteSchema, async () => ({ questionId: "q", votes: 1, voted: true }));
    };
    expect(register).toBeTypeOf("function");
  });
});
