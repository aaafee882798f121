import { describe, expect, it } from "vitest";
import { ApiClient, connectSocket, createUser, nextEvent } from "../helpers/clients.ts";
import { twoProcesses } from "./setup.ts";

// A small per-account budget, so the test below can show the count is shared between processes.
const procs = twoProcesses({ LOGIN_LIMIT_PER_ACCOUNT: "4" });

describe("two processes on Redis and PostgreSQL", () => {
  it("both report Redis fan-out and PostgreSQL", async () => {
    for (const url of [procs.a.url, procs.b.url]) {
      expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({
        ok: true,
        db: "postgres",
        scaleOut: "redis",
        dependencies: { db: "up", redis: "up" },
      });
    }
  });

  it("a session made on A works on B, and disabling on A cuts off the user's socket on B", async () => {
    const admin = await createUser(procs.onA, { role: "admin" });
    const target = await createUser(procs.onA);
    const onB = new ApiClient(procs.b.url);
    onB.cookie = target.client.cookie;
    expect((await onB.get("/api/me")).status).toBe(200);

    const socket = await connectSocket(procs.onB, onB);
    const ended = nextEvent(socket, "session:ended");
    const disconnected = new Promise((resolve) => socket.once("disconnect", resolve));
    expect((await admin.client.patch(`/api/users/${target.user.id}`, { disabled: true })).status).toBe(200);
    expect(await ended).toEqual({ reason: "disabled" });
    await disconnected;
    expect((await onB.get("/api/me")).status).toBe(401);
    socket.close();
  });

  it("login throttling counts attempts made on either process", async () => {
    const { user } = await createUser(procs.onA);
    const statuses: number[] = [];
    // Two wrong attempts on each process: each alone has seen only two of the four allowed.
    for (let i = 0; i < 5; i++) {
      const target = i % 2 === 0 ? procs.a.url : procs.b.url;
      statuses.push(
        (await new ApiClient(target).post("/api/auth/login", { username: user.username, password: "wrong-pass" }))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});
