import type { Feature } from "../feature.ts";
import { accountRoutes } from "./routes.ts";

/** 人员管理: organisers and street admins create people, edit roles and statuses, reset passwords. */
export const accountsFeature: Feature = { name: "accounts", routes: accountRoutes };
