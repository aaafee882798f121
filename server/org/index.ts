import type { Feature } from "../features.ts";
import { orgPublicRoutes, orgRoutes } from "./routes.ts";

export const orgFeature: Feature = { name: "org", publicRoutes: orgPublicRoutes, routes: orgRoutes };
