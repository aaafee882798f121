import type { Feature } from "../features.ts";

export const proposalsFeature: Feature = { name: "proposals" };
