import type { Feature } from "../feature.ts";
import { qaRoutes } from "./routes.ts";
import { seedQa } from "./seed.ts";
import { qaSocket } from "./socket.ts";

/** 老书记问答: the veterans' Q&A board with Chinese search and live quarterly events. */
export const qaFeature: Feature = { name: "qa", routes: qaRoutes, socket: qaSocket, seed: seedQa };
