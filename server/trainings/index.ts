import type { Feature } from "../feature.ts";
import { trainingPublicRoutes, trainingRoutes } from "./routes.ts";
import { seedTrainings } from "./seed.ts";
import { trainingSocket } from "./socket.ts";

/** 培训台账: trainings and the yearly plan, check-in by rotating QR code, the ledger, the calendar. */
export const trainingsFeature: Feature = {
  name: "trainings",
  publicRoutes: trainingPublicRoutes,
  routes: trainingRoutes,
  socket: trainingSocket,
  seed: seedTrainings,
};
