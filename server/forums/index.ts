import type { Feature } from "../features.ts";

export const forumsFeature: Feature = { name: "forums" };
