import type { Feature } from "../feature.ts";
import { loadCheckinCodes, type TrainingsContext } from "./keys.ts";
import { trainingPublicRoutes, trainingRoutes } from "./routes.ts";
import { seedTrainings } from "./seed.ts";
import { trainingSocket } from "./socket.ts";

/**
 * 培训台账: trainings and the yearly plan, check-in by rotating QR code, the ledger, the calendar.
 * Each server makes its own, holding the check-in code maker it loads at start-up.
 */
export function createTrainingsFeature(): Feature {
  let trainingsContext: TrainingsContext | undefined;
  const ready = (): TrainingsContext => {
    if (!trainingsContext) throw new Error("the trainings feature is used before prepare()");
    return trainingsContext;
  };
  return {
    name: "trainings",
    async prepare(ctx) {
      trainingsContext = { ...ctx, checkinCodes: await loadCheckinCodes(ctx) };
    },
    publicRoutes: trainingPublicRoutes,
    routes: (api) => trainingRoutes(api, ready()),
    socket: (socket) => trainingSocket(socket, ready()),
    seed: seedTrainings,
  };
}
