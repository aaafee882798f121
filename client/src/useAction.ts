import { useMutation, type UseMutationOptions } from "@tanstack/react-query";
import { App } from "antd";
import type { Ack } from "../../shared/errors.ts";
import { ApiError } from "./api.ts";
import { shell } from "./strings/shell.ts";

/** The Chinese line a failed action shows: the server's message, else a Chinese fallback (never an English stack text). */
export function errorText(err: unknown, fallback: string = shell.httpErrors.other): string {
  return err instanceof ApiError ? err.message : fallback;
}

/**
 * A socket acknowledgement as a promise outcome: `{ok:true,…}` is returned, `{ok:false}` is thrown as
 * an ApiError carrying the server's code and Chinese message, so an emit can be a mutationFn like a fetch.
 */
export function ackOrThrow<A extends Ack>(ack: A): Extract<A, { ok: true }> {
  if (!ack.ok) throw new ApiError(0, ack.error.code, ack.error.message);
  return ack as Extract<A, { ok: true }>;
}

/**
 * A user's action against the server (a button, a form's submit): React Query's useMutation, so the
 * button's loading is `isPending` and a second press while pending is the caller's `disabled`, with the
 * failure shown as a message toast in Chinese unless the caller passes its own `onError`.
 */
export function useAction<TData = unknown, TVariables = void>(options: UseMutationOptions<TData, Error, TVariables>) {
  const { message } = App.useApp();
  return useMutation<TData, Error, TVariables>({
    onError: (err) => void message.error(errorText(err)),
    ...options,
  });
}
