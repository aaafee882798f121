import type { Feature } from "./feature.ts";
import { authFeature } from "./auth/index.ts";
import { accountsFeature } from "./accounts/index.ts";
import { auditFeature } from "./audit/index.ts";
import { orgFeature } from "./org/index.ts";
import { notificationsFeature } from "./notifications/index.ts";
import { moderationFeature } from "./moderation/index.ts";
import { createFilesFeature } from "./files/index.ts";
import { createEmbeddedMaintenanceFeature } from "./db/maintenance.ts";
import { createForumsFeature } from "./forums/index.ts";
import { commitmentsFeature } from "./commitments/index.ts";
import { createStudiosFeature } from "./studios/index.ts";
import { proposalsFeature } from "./proposals/index.ts";
import { qaFeature } from "./qa/index.ts";
import { documentsFeature } from "./yjs/index.ts";
import { createRosterFeature } from "./roster/index.ts";
import { createTrainingsFeature } from "./trainings/index.ts";
import { dashboardFeature } from "./dashboard/index.ts";
import { createEvidenceFeature } from "./evidence/index.ts";

/**
 * Every feature, in the order their routes are registered. Made afresh for each server, so what a
 * feature keeps (live forums, caches, timers) belongs to that server and ends with its stop.
 */
export function createFeatures(): Feature[] {
  return [
    // before auth: its fixed paths (/users/export.xlsx, /users/import/…) must win over /users/:id
    createRosterFeature(),
    authFeature,
    accountsFeature,
    auditFeature,
    orgFeature,
    notificationsFeature,
    moderationFeature,
    createFilesFeature(),
    createEmbeddedMaintenanceFeature(),
    createForumsFeature(),
    commitmentsFeature,
    createStudiosFeature(),
    proposalsFeature,
    qaFeature,
    documentsFeature,
    createTrainingsFeature(),
    dashboardFeature,
    // last: its backfill (when the demo is seeded, and a rescan after each start) reads what the features above keep
    createEvidenceFeature(),
  ];
}
