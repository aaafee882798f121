import { parseConfig } from "../config.ts";
import { createFeatures } from "../features.ts";
import { createLogger } from "../lib/logger.ts";
import { openDatabase } from "./client.ts";
import { seedDemo } from "./seed.ts";

/** `npm run seed`: seeds the configured database (PostgreSQL too) on explicit request. */
const config = parseConfig(process.env);
const log = createLogger(config.LOG_LEVEL);
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const seeded = await seedDemo(database.db, log, createFeatures());
console.log(seeded ? "已写入演示数据。" : "数据库不为空，未写入演示数据。");
await database.close();
