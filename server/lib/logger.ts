import pino from "pino";

export type Logger = pino.Logger;

/**
 * Secrets never reach the logs: request logging records method, path, status and time only, and
 * these keys are censored wherever a log call might carry them by mistake.
 */
const SECRET_KEYS = [
  "password",
  "currentPassword",
  "newPassword",
  "initialPassword",
  "temporaryPassword",
  "passwordHash",
  "cookie",
];

/** Structured JSON logs on stdout; one child per request carries its request id. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "community-forum" },
    redact: { paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]), censor: "[redacted]" },
  });
}
