import type { Feature } from "../features.ts";
import { authPublicRoutes, authRoutes } from "./routes.ts";

export const authFeature: Feature = { name: "auth", publicRoutes: authPublicRoutes, routes: authRoutes };
