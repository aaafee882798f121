import { request } from "node:http";
import { getSocket } from "../../client/src/socket.ts";
import { freePort, type ServerProcess, startServerProcess } from "./processes.ts";

/** Signs in outside the page (Node's own HTTP), for the session cookie the page then carries. */
export function signInCookie(origin: string, username: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/api/auth/login`,
      { method: "POST", headers: { "content-type": "application/json", origin } },
      (res) => {
        res.resume();
        const cookie = res.headers["set-cookie"]?.find((c) => c.startsWith("session="))?.split(";")[0];
        if (res.statusCode === 200 && cookie) resolve(cookie);
        else reject(new Error(`sign-in as ${username}: ${res.statusCode}`));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ username, password: "demo1234" }));
  });
}

/**
 * For happy-dom tests of the client's room logic: a real server process with the demo people,
 * the page on its origin at `path`, signed in as `username` (page cookie and the client socket).
 * The server keeps an embedded database of its own, also in the PostgreSQL run, whose shared
 * database is never seeded.
 */
export async function openPageOnServer(
  path: string,
  username: string,
): Promise<{ server: ServerProcess; origin: string }> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}${path}`);
  const server = await startServerProcess({ SEED_DEMO: "true", DATABASE_URL: "", REDIS_URL: "" }, 150_000, port);
  const cookie = await signInCookie(origin, username);
  document.cookie = cookie;
  // the Node build of socket.io-client sends no page cookies by itself
  getSocket().io.opts.extraHeaders = { cookie };
  return { server, origin };
}
