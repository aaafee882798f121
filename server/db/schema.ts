/** Every table, gathered for Drizzle and drizzle-kit. Each feature keeps its tables in its own folder. */
export * from "../org/schema.ts";
export * from "../auth/schema.ts";
export * from "../audit/schema.ts";
export * from "../yjs/schema.ts";
export * from "../notifications/schema.ts";
export * from "../moderation/schema.ts";
export * from "../files/schema.ts";
export * from "../forums/schema.ts";
export * from "../forums/guestSchema.ts";
export * from "../studios/schema.ts";
export * from "../proposals/schema.ts";
export * from "../qa/schema.ts";
export * from "../trainings/schema.ts";
export * from "../evidence/schema.ts";
export * from "../commitments/schema.ts";
