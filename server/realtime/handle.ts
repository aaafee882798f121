import type { z } from "zod";
import type { Ack } from "../../shared/errors.ts";
import type { ClientToServerEvents } from "../../shared/events.ts";
import type { AppContext, IoSocket } from "../context.ts";
import { AppError, fromZodError } from "../lib/errors.ts";

type Reply<R extends object> = (res: Ack<R>) => void;

/**
 * Registers one client→server event: the payload is parsed with its schema, the handler's result
 * is acknowledged as `{ok:true, …result}`, and any failure as `{ok:false, error}` — a bad payload
 * never throws out of the handler, so the process and the other users are unaffected.
 */
export function handle<S extends z.ZodType, R extends object>(
  socket: IoSocket,
  ctx: AppContext,
  event: keyof ClientToServerEvents & string,
  schema: S,
  handler: (payload: z.infer<S>) => Promise<R> | R,
): void {
  (socket as unknown as { on(e: string, fn: (...args: unknown[]) => void): void }).on(
    event,
    async (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack: Reply<R> = typeof last === "function" ? (last as Reply<R>) : () => {};
      const payload = args[0];
      try {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) throw fromZodError(parsed.error);
        const result = await handler(parsed.data);
        ack({ ok: true, ...result });
      } catch (error) {
        ack(toAckError(ctx, event, error));
      }
    },
  );
}

export function toAckError(ctx: AppContext, event: string, error: unknown): Ack<never> {
  if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message } };
  ctx.log.error({ err: error, event }, "socket handler failed");
  return { ok: false, error: { code: "internal", message: "服务器内部错误，请稍后再试" } };
}
