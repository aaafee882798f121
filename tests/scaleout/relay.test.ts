/**
 * The document relay between processes, on a real Redis: a document unloaded just as it is opened
 * again has its new copy subscribed under the same name, and the old copy's unsubscribe must not
 * take the new one's messages away.
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/clients.ts";
import { type RelayKind, redisRelay } from "../../server/yjs/relay.ts";

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) throw new Error("the scale-out suite needs REDIS_URL");

const connections: Redis[] = [];
const connect = () => {
  const redis = new Redis(REDIS_URL);
  connections.push(redis);
  return redis;
};
afterAll(() => Promise.all(connections.map((redis) => redis.quit())));

describe("the document relay", () => {
  it("an old copy's unsubscribe leaves the new copy of the same document subscribed", async () => {
    const here = redisRelay(connect(), connect());
    const elsewhere = redisRelay(connect(), connect());
    const docName = `proposal:${crypto.randomUUID()}`;
    const byOld: RelayKind[] = [];
    const byNew: RelayKind[] = [];
    const oldCopy = (kind: RelayKind) => byOld.push(kind);
    const newCopy = (kind: RelayKind) => byNew.push(kind);

    await here.subscribe(docName, oldCopy);
    await here.subscribe(docName, newCopy);
    await here.unsubscribe(docName, oldCopy);

    // Published until it arrives (a subscription takes effect asynchronously), a bounded number of times.
    await eventually(
      () => {
        elsewhere.publish(docName, "update", new Uint8Array([1]));
        return byNew.length > 0;
      },
      5_000,
      100,
    );
    expect(byNew[0]).toBe("update");
    expect(byOld).toEqual([]);

    // Its own unsubscribe does end it.
    await here.unsubscribe(docName, newCopy);
    const seen = byNew.length;
    elsewhere.publish(docName, "update", new Uint8Array([2]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(byNew.length).toBe(seen);
  });
});
