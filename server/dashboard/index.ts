import type { Feature } from "../feature.ts";
import { dashboardRoutes } from "./routes.ts";

/** 区级看板: the year of the district, or of one street, for organisers and street admins. */
export const dashboardFeature: Feature = {
  name: "dashboard",
  routes: dashboardRoutes,
};
