import { z } from "zod";

/** Every object id is a UUID string; a malformed id is invalid input, an unknown one is 404. */
export const IdSchema = z.string().uuid();
/** Idempotency key chosen by the client for chat lines, questions and studio messages. */
export const ClientIdSchema = z.string().min(8).max(64);
