import type { Feature } from "../features.ts";

export const moderationFeature: Feature = { name: "moderation" };
