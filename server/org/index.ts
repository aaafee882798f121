import type { Feature } from "../feature.ts";
import { orgPublicRoutes, orgRoutes } from "./routes.ts";

export const orgFeature: Feature = { name: "org", publicRoutes: orgPublicRoutes, routes: orgRoutes };
