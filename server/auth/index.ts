import type { Feature } from "../feature.ts";
import { authPublicRoutes, authRoutes } from "./routes.ts";

export const authFeature: Feature = { name: "auth", publicRoutes: authPublicRoutes, routes: authRoutes };
