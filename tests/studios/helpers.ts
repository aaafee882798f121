import type { Studio, StudioMessage } from "../../shared/studios.ts";
import { connectSocket, createUser, emitAck, type TestSocket, type TestUser } from "../helpers/clients.ts";
import type { TestServer } from "../helpers/server.ts";

export interface StudioFixture {
  studio: Studio;
  admin: TestUser;
  mentor: TestUser;
  mentees: TestUser[];
}

/** Factory: a studio of a fresh mentor and `menteeCount` fresh secretaries, created by a fresh admin. */
export async function createStudio(
  server: TestServer,
  options: { menteeCount?: number; termStartsAt?: string; termEndsAt?: string; name?: string } = {},
): Promise<StudioFixture> {
  const admin = await createUser(server, { role: "admin" });
  const mentor = await createUser(server, {
    role: "mentor",
    displayName: `导师${Math.random().toString(36).slice(2, 6)}`,
  });
  const mentees = await Promise.all(
    Array.from({ length: options.menteeCount ?? 2 }, (_, i) =>
      createUser(server, { role: "secretary", displayName: `书记${i}${Math.random().toString(36).slice(2, 6)}` }),
    ),
  );
  const res = await admin.client.post("/api/studios", {
    name: options.name ?? "测试工作室",
    mentorId: mentor.user.id,
    menteeIds: mentees.map((m) => m.user.id),
    termStartsAt: options.termStartsAt,
    termEndsAt: options.termEndsAt,
  });
  if (res.status !== 201) throw new Error(`create studio failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { studio: res.body.studio, admin, mentor, mentees };
}

export async function joinStudio(server: TestServer, who: TestUser, studioId: string, lastSeq?: number) {
  const socket = await connectSocket(server, who.client);
  // listen before joining, as the client does: pushes may arrive right behind the ack
  const live = collect(socket);
  const ack = await emitAck(socket, "studio:join", { studioId, lastSeq });
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return { socket, ack, live };
}

let n = 0;
export const clientId = (prefix = "c") => `${prefix}-${Date.now().toString(36)}-${process.pid}-${++n}`;

export async function send(socket: TestSocket, studioId: string, text: string, extra: Record<string, unknown> = {}) {
  const ack = await emitAck<{ ok: boolean; message: StudioMessage; error?: { code: string } }>(socket, "studio:send", {
    studioId,
    text,
    clientId: clientId(),
    ...extra,
  });
  return ack;
}

/** Collects every `studio:message` a socket receives. */
export function collect(socket: TestSocket): StudioMessage[] {
  const got: StudioMessage[] = [];
  socket.on("studio:message", ({ message }) => got.push(message));
  return got;
}
