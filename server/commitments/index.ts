import type { Feature } from "../feature.ts";
import { commitmentRoutes } from "./routes.ts";

/** 承诺事项: promises made at 现场问政, followed to the secretary's next 述职. */
export const commitmentsFeature: Feature = {
  name: "commitments",
  routes: commitmentRoutes,
};
