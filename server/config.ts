import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const positiveInt = z.coerce.number().int().positive();

/**
 * Every setting the server reads, parsed once at start. A bad value stops the process with a
 * message naming the variable (see README "Configuration").
 */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  /** the address people type, e.g. https://luntan.example.cn — used for Origin checks, QR codes and Secure cookies */
  PUBLIC_ORIGIN: z.string().url().optional(),
  ALLOW_REGISTRATION: bool.default(true),
  /** seed the demo district and accounts into an empty database (defaults to true for the embedded database) */
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_DAYS: positiveInt.default(30),
  LOGIN_LIMIT_PER_ACCOUNT: positiveInt.default(10),
  LOGIN_LIMIT_PER_ADDRESS: positiveInt.default(100),
  LOGIN_LIMIT_WINDOW_SECONDS: positiveInt.default(15 * 60),
  /** the first wait after too many wrong passwords; it doubles each time, up to LOGIN_LIMIT_WINDOW_SECONDS */
  LOGIN_DELAY_SECONDS: positiveInt.default(30),
  REGISTER_LIMIT_PER_HOUR: positiveInt.default(20),
  POST_LIMIT_PER_MINUTE: positiveInt.default(60),
  MAX_JSON_BYTES: positiveInt.default(1_000_000),
  MAX_DECK_BYTES: positiveInt.default(50 * 1024 * 1024),
  MAX_ATTACHMENT_BYTES: positiveInt.default(20 * 1024 * 1024),
  TRUST_PROXY: bool.default(false),
});

export type Config = z.infer<typeof ConfigSchema> & { seedDemo: boolean };

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as they do in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = ConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const config = result.data;
  return { ...config, seedDemo: config.SEED_DEMO ?? !config.DATABASE_URL };
}
