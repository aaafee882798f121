import { boolean, integer, pgTable, text } from "drizzle-orm/pg-core";

/** 街道 */
export const streets = pgTable("streets", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  sort: integer("sort").notNull().default(0),
});

/** 社区; `demo` marks the plainly named placeholders seeded for the demo. */
export const communities = pgTable("communities", {
  id: text("id").primaryKey(),
  streetId: text("street_id")
    .notNull()
    .references(() => streets.id),
  name: text("name").notNull(),
  demo: boolean("demo").notNull().default(false),
});
