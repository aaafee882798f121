import type { Feature } from "../features.ts";

export const qaFeature: Feature = { name: "qa" };
