import type { Feature } from "../feature.ts";
import { auditRoutes } from "./routes.ts";

/** 审计日志: read and exported by organisers; written only by the services that make the changes. */
export const auditFeature: Feature = { name: "audit", routes: auditRoutes };
