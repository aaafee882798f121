import { boolean, integer, pgTable, text } from "drizzle-orm/pg-core";

/** 街道 */
export const streets = pgTable("streets", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  sort: integer("sort").notNull().default(0),
  /** retired streets are kept for history and hidden from pickers */
  retired: boolean("retired").notNull().default(false),
});

/** 社区; `demo` marks the placeholders seeded for the demo (示例社区一, 示例社区二, …). */
export const communities = pgTable("communities", {
  id: text("id").primaryKey(),
  streetId: text("street_id")
    .notNull()
    .references(() => streets.id),
  name: text("name").notNull(),
  demo: boolean("demo").notNull().default(false),
  /** retired communities are kept for history and hidden from pickers */
  retired: boolean("retired").notNull().default(false),
});
