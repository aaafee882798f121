import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, type TestUser } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/**
 * Search recall on Chinese text. Every query is scoped to one fresh asker's questions (`mine=1`),
 * so other test files writing to a shared PostgreSQL can't change the expected results.
 */
let server: TestServer;
let asker: TestUser;
const ids: Record<string, string> = {};

const DOCS: Record<string, { title: string; body: string; answer?: string }> = {
  shanghai: { title: "搬家以后怎么转组织关系", body: "我家在上海东边，想把党组织关系转回来。" },
  wuye: { title: "物业管理纠纷", body: "物业和业主因为停车费吵起来了。" },
  wuyeLong: { title: "小区的物业服务合同到期怎么续签", body: "业委会和物业公司谈判，续签条件谈不拢。" },
  dianti: { title: "老旧小区加装电梯的资金怎么筹", body: "一楼住户不同意，高层住户愿意多出钱。" },
  yishi: {
    title: "居民议事会如何选代表",
    body: "议事会代表由楼栋推选还是自荐？",
    answer: "建议每个楼栋推选一名，外加党员代表。",
  },
  wifi: { title: "社区活动室的WiFi谁来管", body: "网络费用由哪个经费出？" },
  exact: { title: "垃圾分类", body: "垃圾分类督导员怎么排班，垃圾分类积分怎么兑换，垃圾分类宣传怎么做？" },
  parking: { title: "小区停车位怎么分配", body: "车位少车多，按什么规则？" },
  other: { title: "关于垃圾分类的几点体会", body: "垃圾分类要靠居民自觉，也要靠督导。" },
};

beforeAll(async () => {
  server = await startTestServer();
  asker = await createUser(server);
  const answerer = await createUser(server, { role: "veteran" });
  for (const [key, doc] of Object.entries(DOCS)) {
    const res = await asker.client.post("/api/questions", { title: doc.title, body: doc.body });
    expect(res.status).toBe(201);
    ids[key] = res.body.question.id;
    if (doc.answer) await answerer.client.post(`/api/questions/${res.body.question.id}/answers`, { body: doc.answer });
  }
  // votes favour the other 垃圾分类 question, so only the exact-title rule can put `exact` first
  const voters = await Promise.all([createUser(server), createUser(server), createUser(server)]);
  for (const v of voters) await v.client.post(`/api/questions/${ids.other}/vote`, { up: true });
});
afterAll(() => server?.close());

async function search(q: string, extra = "") {
  const res = await asker.client.get(`/api/questions?mine=1&limit=50&q=${encodeURIComponent(q)}${extra}`);
  expect(res.status).toBe(200);
  return res.body.questions as {
    id: string;
    title: string;
    highlight?: { title: { text: string; hit: boolean }[]; excerpt: { text: string; hit: boolean }[] };
  }[];
}
const keysOf = (results: { id: string }[]) => results.map((r) => Object.keys(ids).find((k) => ids[k] === r.id)).sort();

describe("Chinese search", () => {
  it.each([
    ["上海", ["shanghai"]],
    ["上", ["shanghai"]],
    ["海东", ["shanghai"]],
    ["物业", ["wuye", "wuyeLong"]],
    ["物业管理", ["wuye"]],
    ["电梯", ["dianti"]],
    ["梯", ["dianti"]],
    ["加装 一楼", ["dianti"]],
    ["加装 物业", []],
    ["楼栋推选", ["yishi"]],
    ["党员代表", ["yishi"]],
    ["wifi", ["wifi"]],
    ["ＷｉＦｉ", ["wifi"]],
    ['"加装电梯"', ["dianti"]],
    ['"电梯加装"', []],
    ["垃圾分类", ["exact", "other"]],
    ["？！", []],
  ])("%s finds exactly what contains it", async (q, expected) => {
    expect(keysOf(await search(q))).toEqual([...expected].sort());
  });

  it("ranks an exact title match first, above a more-voted question", async () => {
    const results = await search("垃圾分类");
    expect(results.map((r) => r.id)).toEqual([ids.exact, ids.other]);
    // without the query text being the whole title, votes decide among equal titles matches
    const voted = await search("垃圾分类", "&sort=votes");
    expect(voted[0]!.id).toBe(ids.other);
  });

  it("ranks a title match above a body-only match", async () => {
    // 停车 is in the title of `parking` and only in the body of `wuye`
    const results = await search("停车");
    expect(results.map((r) => r.id)).toEqual([ids.parking, ids.wuye]);
  });

  it("pages through relevance tiers without losing or repeating a question", async () => {
    const pager = await createUser(server);
    const created: { id: string; inTitle: boolean }[] = [];
    for (let i = 0; i < 13; i++) {
      const inTitle = i % 4 === 0;
      const res = await pager.client.post("/api/questions", {
        title: inTitle ? `楼道灯坏了第${i}次` : `公共照明问题${i}`,
        body: inTitle ? "物业说在排期。" : `第${i}栋的楼道灯一直不亮。`,
      });
      created.push({ id: res.body.question.id, inTitle });
    }
    const seen: string[] = [];
    for (let offset = 0; offset < 20; offset += 5) {
      const res = await pager.client.get(
        `/api/questions?mine=1&q=${encodeURIComponent("楼道灯")}&limit=5&offset=${offset}`,
      );
      seen.push(...res.body.questions.map((q: { id: string }) => q.id));
      if (!res.body.hasMore) break;
    }
    expect([...seen].sort()).toEqual(created.map((c) => c.id).sort());
    const titled = created.filter((c) => c.inTitle).map((c) => c.id);
    expect(seen.slice(0, titled.length).sort()).toEqual([...titled].sort());
  });

  it("highlights the matched characters in title and excerpt", async () => {
    const [hit] = await search("上海");
    expect(hit!.highlight!.excerpt.filter((p) => p.hit).map((p) => p.text)).toEqual(["上海"]);
    const [wuye] = await search("物业管理");
    expect(wuye!.highlight!.title).toEqual([
      { text: "物业管理", hit: true },
      { text: "纠纷", hit: false },
    ]);
  });

  it("suggests similar questions while a title is typed", async () => {
    const res = await asker.client.get(`/api/questions/similar?title=${encodeURIComponent("加装电梯一楼反对怎么办")}`);
    expect(res.status).toBe(200);
    expect(res.body.questions.map((q: { id: string }) => q.id)).toContain(ids.dianti);
    const none = await asker.client.get(`/api/questions/similar?title=${encodeURIComponent("？")}`);
    expect(none.body.questions).toEqual([]);
  });

  it("filters by capability and tag, and sorts unanswered", async () => {
    const tagged = await asker.client.post("/api/questions", {
      title: "网格员如何入户走访",
      body: "第一次入户容易吃闭门羹。",
      capability: "mobilization",
      tags: ["网格化"],
    });
    const byTag = await asker.client.get(`/api/questions?mine=1&tag=${encodeURIComponent("网格化")}`);
    expect(byTag.body.questions.map((q: { id: string }) => q.id)).toEqual([tagged.body.question.id]);
    const byCap = await asker.client.get("/api/questions?mine=1&capability=mobilization");
    expect(byCap.body.questions.map((q: { id: string }) => q.id)).toEqual([tagged.body.question.id]);
    const unanswered = await asker.client.get("/api/questions?mine=1&sort=unanswered&limit=50");
    expect(unanswered.body.questions.map((q: { id: string }) => q.id)).not.toContain(ids.yishi);
    expect(unanswered.body.questions).toHaveLength(Object.keys(DOCS).length);
  });
});
