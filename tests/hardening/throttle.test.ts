import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, createUser, uniqueName } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/**
 * "Throttling never locks out the owner": wrong passwords are counted per account *and* address,
 * with waits that grow, successes never count, and registration has its own per-address budget.
 * TRUST_PROXY lets one test client speak from several addresses through X-Forwarded-For.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    TRUST_PROXY: "true",
    LOGIN_LIMIT_PER_ACCOUNT: "3",
    LOGIN_LIMIT_PER_ADDRESS: "6",
    LOGIN_DELAY_SECONDS: "2",
    REGISTER_LIMIT_PER_HOUR: "3",
  });
});
afterAll(() => server?.close());

const from = (address: string) => ({ "x-forwarded-for": address });

function login(username: string, password: string, address: string) {
  return new ApiClient(server.url).post("/api/auth/login", { username, password }, from(address));
}

describe("sign-in throttling", () => {
  it("an attacker hammering an account elsewhere never blocks the owner's right password", async () => {
    const { user } = await createUser(server);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(user.username, `guess-${i}`, "10.1.0.66")).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    // Even the right password waits at the attacking address…
    expect((await login(user.username, "password123", "10.1.0.66")).status).toBe(429);
    // …but the owner, from an address that has not been failing, signs in at once.
    const owner = await login(user.username, "password123", "10.1.0.7");
    expect(owner.status).toBe(200);
    expect(owner.body.user.id).toBe(user.id);
  });

  it("the wait grows each time the limit is reached again, instead of one long ban", async () => {
    const { user } = await createUser(server);
    const address = "10.2.0.66";
    for (let i = 0; i < 3; i++) expect((await login(user.username, "guess", address)).status).toBe(401);
    const first = await login(user.username, "guess", address);
    expect(first.status).toBe(429);
    expect(first.body.error.code).toBe("rate_limited");
    const firstWait = Number(first.headers.get("retry-after"));
    expect(firstWait).toBeGreaterThanOrEqual(1);
    expect(firstWait).toBeLessThanOrEqual(2);

    // After the short wait the address may try again; three more failures earn a longer wait.
    await new Promise((r) => setTimeout(r, firstWait * 1000 + 300));
    for (let i = 0; i < 3; i++) expect((await login(user.username, "guess", address)).status).toBe(401);
    const second = await login(user.username, "guess", address);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(firstWait);
    expect(Number(second.headers.get("retry-after"))).toBeLessThanOrEqual(4);
  }, 20_000);

  it("successful sign-ins don't count against an address, so one office NAT never locks out its staff", async () => {
    const staff = await Promise.all(Array.from({ length: 4 }, () => createUser(server)));
    const address = "10.3.0.1";
    // Three times the per-address failure budget of successes, from one address.
    for (let round = 0; round < 5; round++) {
      for (const { user } of staff) expect((await login(user.username, "password123", address)).status).toBe(200);
    }
  });

  it("wrong passwords sprayed over many accounts from one address are throttled there only", async () => {
    const address = "10.4.0.66";
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(uniqueName("nobody"), "guess", address)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    const { user } = await createUser(server);
    expect((await login(user.username, "password123", "10.4.0.67")).status).toBe(200);
  });
});

describe("registration throttling", () => {
  it("allows REGISTER_LIMIT_PER_HOUR registrations per address per hour, then 429 with Retry-After", async () => {
    const register = (address: string) =>
      new ApiClient(server.url).post(
        "/api/auth/register",
        { username: uniqueName("r"), password: "password123", displayName: "新居民" },
        from(address),
      );
    for (let i = 0; i < 3; i++) expect((await register("10.5.0.9")).status).toBe(201);
    const refused = await register("10.5.0.9");
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    expect((await register("10.5.0.10")).status).toBe(201);
  });
});
