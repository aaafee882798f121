import type { CreateTraining } from "../../shared/trainings.ts";
import type { ApiClient } from "../helpers/clients.ts";

/** Factory: a training created through the real route by `client` (an organiser unless told). */
export async function createTraining(client: ApiClient, overrides: Partial<CreateTraining> = {}) {
  const startsAt = overrides.startsAt ?? new Date(Date.now() - 10 * 60_000).toISOString();
  const res = await client.post("/api/trainings", {
    title: "社区治理专题培训",
    level: "district",
    type: "专题培训班",
    startsAt,
    endsAt: overrides.endsAt ?? new Date(Date.parse(startsAt) + 3 * 3_600_000).toISOString(),
    place: "区委党校",
    hours: 4,
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`create training failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.training as { id: string; hours: number; startsAt: string; endsAt: string };
}
