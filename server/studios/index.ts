import type { Feature } from "../features.ts";

export const studiosFeature: Feature = { name: "studios" };
