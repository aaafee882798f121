import type { Feature } from "../feature.ts";
import { rosterRoutes } from "./routes.ts";
import { PasswordHandover } from "./service.ts";

/** 人员名册: spreadsheet import and export of people, by organisers and street admins. */
export function createRosterFeature(): Feature {
  // Each running server holds its own pending password hand-overs, dropped when it stops.
  let handover: PasswordHandover | undefined;
  return {
    name: "roster",
    routes: (api, ctx) => {
      handover = new PasswordHandover();
      rosterRoutes(handover)(api, ctx);
    },
    stop: () => handover?.clear(),
  };
}
