import type { z } from "zod";
import type { Ack } from "../../shared/errors.ts";
import type { AckEventName, EventResult } from "../../shared/events.ts";
import type { AppContext, IoSocket } from "../context.ts";
import { AppError, fromZodError } from "../lib/errors.ts";

type Reply = (res: Ack<object>) => void;

/**
 * Registers one client→server event: the payload is parsed with its schema, the handler's result
 * is acknowledged as `{ok:true, …result}`, and any failure as `{ok:false, error}` — a bad payload
 * never throws out of the handler, so the process and the other users are unaffected. The
 * handler's result is checked by the compiler against the event's acknowledgement in the contract
 * (shared/events.ts).
 */
export function handle<E extends AckEventName, S extends z.ZodType>(
  socket: IoSocket,
  ctx: AppContext,
  event: E,
  schema: S,
  handler: (payload: z.infer<S>) => Promise<EventResult<E>> | EventResult<E>,
): void {
  (socket as unknown as { on(e: string, fn: (...args: unknown[]) => void): void }).on(
    event,
    async (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack: Reply = typeof last === "function" ? (last as Reply) : () => {};
      const payload = args[0];
      try {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) throw fromZodError(parsed.error);
        const result = await handler(parsed.data);
        ack({ ok: true, ...(result as object) });
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
