import type { Feature } from "../features.ts";

export const notificationsFeature: Feature = { name: "notifications" };
