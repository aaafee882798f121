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
  /**
   * what may wait to be written to one realtime connection (a client that stopped reading) before it
   * is cut; a document's first sync may take up to its own size on top
   */
  MAX_UNSENT_BYTES: positiveInt.default(8 * 1024 * 1024),
  TRUST_PROXY: bool.default(false),
  /** PostgreSQL only: a directory every process shares for file bytes; unset keeps them in 1 MB database rows */
  FILES_DIR: z.string().min(1).optional(),
  /** worker threads that inspect uploaded PDFs at once; more uploads wait in line */
  PDF_INSPECT_THREADS: z.coerce.number().int().min(1).max(4).default(2),
  /** LibreOffice for .ppt/.pptx/.odp decks; unset looks for `soffice` on the PATH */
  SOFFICE_PATH: z.string().min(1).optional(),
  /** a conversion running longer is killed (keep ≥ 60 in production; big decks take a while) */
  CONVERT_TIMEOUT_SECONDS: positiveInt.default(120),
  /** a deck or attachment nobody references is deleted after this many hours */
  FILE_GRACE_HOURS: z.coerce.number().min(0).default(24),
  /** 签到: a check-in code is replaced this often; the one before stays valid for the grace period */
  CHECKIN_CODE_SECONDS: positiveInt.default(60),
  CHECKIN_CODE_GRACE_SECONDS: z.coerce.number().int().min(0).default(180),
  /** check-in attempts per person per minute (a wrong code costs one too) */
  CHECKIN_LIMIT_PER_MINUTE: positiveInt.default(20),
  /** 学时 in one training day: the plan's 7 and 5 days become 56 and 40 学时 at 8 */
  TRAINING_HOURS_PER_DAY: z.coerce.number().positive().max(24).default(8),
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
