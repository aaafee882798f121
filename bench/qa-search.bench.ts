/**
 * 老书记问答 search: QA_BENCH_ROWS (default 100,000) generated Chinese questions, each with 0–3
 * answers, from a vocabulary of community-work terms. 200 queries — 50 one-character, 50
 * two-character, 50 multi-word, 50 quoted phrases — go through the real service
 * (`listQuestions`: GIN-indexed bigram tsvector, ranked, first page of 20) on PostgreSQL and on
 * PGlite. The baseline is the same matching as an unindexed `ILIKE '%…%'` scan over titles,
 * bodies and answers (first 20 by votes). Recall and precision of the index are checked
 * against the ILIKE result sets for every query.
 *
 *   node --import tsx bench/qa-search.bench.ts
 *   QA_BENCH_ROWS=20000 QA_BENCH_ENGINES=pglite node --import tsx bench/qa-search.bench.ts
 *
 * PostgreSQL: BENCH_PG_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names
 * the server; the benchmark creates its own database `forum_bench_qa` there and drops it afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { users } from "../server/auth/schema.ts";
import type { AppContext } from "../server/context.ts";
import { type Database, openDatabase, queryRows } from "../server/db/client.ts";
import { parseQuery, searchVectorLiteral } from "../server/qa/search.ts";
import { listQuestions } from "../server/qa/service.ts";
import { ownDatabase, pgDatabaseUrl, report, summarize } from "./lib.ts";

const ROWS = Math.max(1000, Number(process.env.QA_BENCH_ROWS ?? 100_000));
const ENGINES = (process.env.QA_BENCH_ENGINES ?? "postgres,pglite").split(",");
const BENCH_DB = "forum_bench_qa";
const BATCH = 2000;
const PAGE = 20;

// ---------------------------------------------------------------- generated text

/** Community-work vocabulary: the words questions and answers on the board are made of. */
const TERMS = (
  "物业 物业管理 物业纠纷 业委会 业主大会 加装电梯 老旧小区 小区改造 居民议事会 议事规则 网格员 网格化管理 楼栋长 " +
  "党建引领 党员先锋 志愿服务 志愿者 社区书记 居委会 社区工作者 新手书记 老书记 导师 工作室 项目化 公益创投 " +
  "社会组织 社区基金 微心愿 邻里节 红色物业 停车难 停车位 充电桩 电动车 飞线充电 垃圾分类 督导员 积分兑换 " +
  "环境整治 楼道堆物 违章搭建 噪音扰民 宠物管理 养犬 高空抛物 消防通道 安全隐患 防汛 疫情防控 应急预案 " +
  "独居老人 空巢老人 养老服务 助餐点 日间照料 残疾人 低保 困难家庭 临时救助 医保 社保 就业帮扶 退役军人 " +
  "未成年人 四点半课堂 托育 家庭教育 矛盾调解 人民调解 信访 法律援助 民生实事 协商议事 居民公约 入户走访 " +
  "民情日记 台账 考核 年终总结 经费 场地 活动室 文化活动 广场舞 老年大学 健康讲座 义诊 反诈宣传 " +
  "流动人口 出租屋 房东 商户 门前三包 背街小巷 雨污分流 二次供水 化粪池 外墙脱落 屋面防水 管道老化 " +
  "维修基金 公共收益 财务公开 第三方审计 业主投票 换届选举 党组织关系 组织生活会 三会一课 主题党日 " +
  "宣传栏 微信群 公众号 数字化 智慧社区 小程序 WiFi APP 二维码 便民服务 一站式 办事指南 证明材料"
).split(" ");

const QUESTION_TEMPLATES = [
  (a: string, b: string) => `${a}和${b}的问题怎么处理？`,
  (a: string, b: string) => `${a}工作中遇到${b}怎么办`,
  (a: string, b: string) => `如何推动${a}，做好${b}`,
  (a: string, b: string) => `${a}与${b}协调的经验`,
  (a: string, b: string) => `关于${a}中${b}的请教`,
];
const SENTENCE_TEMPLATES = [
  (a: string, b: string) => `我们社区${a}一直推进不下去，${b}也有居民反映。`,
  (a: string, b: string) => `居民对${a}意见很大，希望社区牵头解决${b}。`,
  (a: string, b: string) => `之前试过${a}，但是${b}效果一般。`,
  (a: string, b: string) => `建议先从${a}入手，再结合${b}开展工作。`,
  (a: string, b: string) => `${a}要依靠党员和楼栋长，${b}要公开透明。`,
];

/** Deterministic PRNG (mulberry32), so every run generates the same board. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(20261127);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const term = () => pick(TERMS);
const sentences = (n: number) => Array.from({ length: n }, () => pick(SENTENCE_TEMPLATES)(term(), term())).join("");

interface GeneratedQuestion {
  title: string;
  body: string;
  answers: string[];
  votes: number;
}

function generate(count: number): GeneratedQuestion[] {
  return Array.from({ length: count }, () => ({
    title: pick(QUESTION_TEMPLATES)(term(), term()),
    body: sentences(1 + Math.floor(random() * 3)),
    answers: Array.from({ length: Math.floor(random() * 4) }, () => sentences(1 + Math.floor(random() * 2))),
    votes: Math.floor(random() ** 3 * 60),
  }));
}

// ---------------------------------------------------------------- queries

type Kind = "1 char" | "2 chars" | "multi-word" | "phrase";
interface BenchQuery {
  kind: Kind;
  q: string;
}

function makeQueries(data: GeneratedQuestion[]): BenchQuery[] {
  const chars = [...new Set(TERMS.join("").replace(/[A-Za-z]/g, ""))];
  const twoChar = TERMS.filter((t) => [...t].length === 2);
  const queries: BenchQuery[] = [];
  for (let i = 0; i < 50; i++) queries.push({ kind: "1 char", q: pick(chars) });
  for (let i = 0; i < 50; i++) {
    // half vocabulary words, half bigrams that straddle two words in real text
    if (i % 2 === 0) queries.push({ kind: "2 chars", q: pick(twoChar) });
    else {
      const title = [...pick(data).title.replace(/[^\p{L}\p{N}]/gu, "")];
      const at = Math.floor(random() * (title.length - 1));
      queries.push({ kind: "2 chars", q: title.slice(at, at + 2).join("") });
    }
  }
  for (let i = 0; i < 50; i++)
    queries.push({ kind: "multi-word", q: `${term()} ${term()}${i % 3 === 0 ? ` ${term()}` : ""}` });
  for (let i = 0; i < 50; i++) {
    // a 4–7 character run from a real title or body: words in this order, adjacent
    const doc = pick(data);
    const text = [...(i % 2 ? doc.title : doc.body).replace(/[^\p{L}\p{N}]/gu, "")];
    const len = 4 + Math.floor(random() * 4);
    const at = Math.floor(random() * Math.max(1, text.length - len));
    queries.push({ kind: "phrase", q: `"${text.slice(at, at + len).join("")}"` });
  }
  return queries;
}

/** The ILIKE baseline's condition: every term in the title, the body or a visible answer. */
function ilikeCondition(q: string) {
  const { terms } = parseQuery(q);
  const clauses = terms.map((t) => {
    const pattern = `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return sql`(q.title ilike ${pattern} or q.body ilike ${pattern} or exists (select 1 from qa_answers a where a.question_id = q.id and not a.hidden and a.body ilike ${pattern}))`;
  });
  return sql.join(clauses, sql` and `);
}

// ---------------------------------------------------------------- loading

async function load(db: Database, data: GeneratedQuestion[]): Promise<{ seconds: number; authorId: string }> {
  const started = performance.now();
  const [author] = await db.db
    .insert(users)
    .values({
      username: `bench${Date.now()}`,
      displayName: "基准测试",
      passwordHash: "x",
      role: "worker",
      roles: ["worker"],
    })
    .returning({ id: users.id });
  const authorId = author!.id;
  // bulk load without the GIN index, then build it once
  await db.db.execute(sql`drop index if exists qa_questions_search_idx`);
  await db.db.execute(sql`drop index if exists qa_questions_title_search_idx`);
  for (let start = 0; start < data.length; start += BATCH) {
    const batch = data.slice(start, start + BATCH);
    // deterministic ids and activity times, so both engines must return the very same pages
    const ids = batch.map((_, i) => `00000000-0000-4000-8000-${(start + i).toString(16).padStart(12, "0")}`);
    const times = batch.map((_, i) => new Date(Date.UTC(2026, 0, 1) + (start + i) * 60_000).toISOString());
    const vectors = batch.map((d) =>
      searchVectorLiteral([
        { text: d.title, weight: "A" },
        { text: d.body, weight: "B" },
        ...d.answers.map((a) => ({ text: a, weight: "C" as const })),
      ]),
    );
    const titleVectors = batch.map((d) => searchVectorLiteral([{ text: d.title, weight: "A" }]));
    await db.db.execute(sql`
      insert into qa_questions (id, author_id, title, body, votes, answer_count, search_vector, title_vector, created_at, last_activity_at)
      select id, ${authorId}::uuid, title, body, votes, answers, vec::tsvector, tvec::tsvector, at, at
      from unnest(${toArray(ids)}::uuid[], ${toArray(batch.map((d) => d.title))}::text[], ${toArray(batch.map((d) => d.body))}::text[],
                  ${toArray(batch.map((d) => String(d.votes)))}::int[], ${toArray(batch.map((d) => String(d.answers.length)))}::int[],
                  ${toArray(vectors)}::text[], ${toArray(titleVectors)}::text[], ${toArray(times)}::timestamptz[])
                  as t(id, title, body, votes, answers, vec, tvec, at)`);
    const answerRows = batch.flatMap((d, i) => d.answers.map((body) => ({ questionId: ids[i]!, body })));
    if (answerRows.length) {
      await db.db.execute(sql`
        insert into qa_answers (question_id, author_id, body)
        select qid, ${authorId}::uuid, body from unnest(${toArray(answerRows.map((a) => a.questionId))}::uuid[], ${toArray(answerRows.map((a) => a.body))}::text[]) as t(qid, body)`);
    }
  }
  await db.db.execute(sql`set maintenance_work_mem = '256MB'`);
  await db.db.execute(sql`create index qa_questions_search_idx on qa_questions using gin (search_vector)`);
  await db.db.execute(sql`create index qa_questions_title_search_idx on qa_questions using gin (title_vector)`);
  await db.db.execute(sql`analyze qa_questions`);
  await db.db.execute(sql`analyze qa_answers`);
  return { seconds: (performance.now() - started) / 1000, authorId };
}

/** A PostgreSQL array literal, passed as one text parameter (the same on both drivers). */
function toArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

// ---------------------------------------------------------------- measuring

/** First page of ids per query, by engine: the two databases must agree. */
const pages = new Map<string, string[][]>();

async function measure(
  engine: string,
  db: Database,
  data: GeneratedQuestion[],
  queries: BenchQuery[],
  checkEvery: number,
) {
  console.log(`[${engine}] loading ${data.length.toLocaleString()} questions…`);
  const { seconds: loadSeconds, authorId } =
    REUSE && engine === "postgres" ? { seconds: 0, authorId: "" } : await load(db, data);
  console.log(`[${engine}] loaded and indexed in ${loadSeconds.toFixed(1)} s`);
  const ctx = { db: db.db } as AppContext;
  // a worker who is not the author: the visibility filter (hidden = false or mine) applies
  const viewer = { id: crypto.randomUUID(), roles: ["worker" as const], streetId: null };
  void authorId;

  // warm-up: a few queries of each kind, not timed
  for (const query of queries.slice(0, 10)) await listQuestions(ctx, viewer, { q: query.q, limit: PAGE, mine: false });

  const indexed: Record<Kind | "all", number[]> = {
    "1 char": [],
    "2 chars": [],
    "multi-word": [],
    phrase: [],
    all: [],
  };
  const baseline: Record<Kind | "all", number[]> = {
    "1 char": [],
    "2 chars": [],
    "multi-word": [],
    phrase: [],
    all: [],
  };
  let expected = 0;
  let found = 0;
  let returned = 0;
  let fullRecallQueries = 0;
  const slowest: { q: string; kind: Kind; ms: number }[] = [];
  const enginePages: string[][] = [];
  pages.set(engine, enginePages);
  let checked = 0;
  for (const [n, query] of queries.entries()) {
    let t = performance.now();
    const page = await listQuestions(ctx, viewer, { q: query.q, limit: PAGE, mine: false });
    const ms = performance.now() - t;
    enginePages.push(page.questions.map((q) => q.id));
    indexed[query.kind].push(ms);
    indexed.all.push(ms);
    slowest.push({ q: query.q, kind: query.kind, ms: +ms.toFixed(1) });
    // the unindexed baseline scans everything: on the slower engine only every checkEvery-th query
    if (n % checkEvery !== 0) continue;
    checked += 1;

    const condition = ilikeCondition(query.q);
    t = performance.now();
    await queryRows(
      db.db,
      sql`select q.id, q.title from qa_questions q where not q.hidden and ${condition} order by q.votes desc limit ${PAGE}`,
    );
    const baseMs = performance.now() - t;
    baseline[query.kind].push(baseMs);
    baseline.all.push(baseMs);

    // recall/precision on the full result sets (not timed)
    const tsquery = parseQuery(query.q).tsquery!;
    const [counts] = await queryRows<{ ilike: number; both: number }>(
      db.db,
      sql`select count(*)::int as ilike, count(*) filter (where q.search_vector @@ ${tsquery}::tsquery)::int as both
          from qa_questions q where not q.hidden and ${condition}`,
    );
    const [idx] = await queryRows<{ n: number }>(
      db.db,
      sql`select count(*)::int as n from qa_questions q where not q.hidden and q.search_vector @@ ${tsquery}::tsquery`,
    );
    expected += Number(counts!.ilike);
    found += Number(counts!.both);
    returned += Number(idx!.n);
    if (Number(counts!.both) === Number(counts!.ilike)) fullRecallQueries += 1;
  }

  const row = (label: string, samples: number[]) => {
    const s = summarize(samples);
    return {
      engine,
      method: label,
      queries: s.n,
      p50_ms: +s.p50.toFixed(2),
      p95_ms: +s.p95.toFixed(2),
      max_ms: +s.max.toFixed(2),
    };
  };
  const rows = [
    row("bigram tsvector + GIN (all)", indexed.all),
    ...(["1 char", "2 chars", "multi-word", "phrase"] as const).map((k) => row(`  · ${k}`, indexed[k])),
    row("ILIKE scan baseline (all)", baseline.all),
    ...(["1 char", "2 chars", "multi-word", "phrase"] as const).map((k) => row(`  · ${k}`, baseline[k])),
  ];
  const [size] = await queryRows<{ table: string; index: string }>(
    db.db,
    sql`select pg_size_pretty(pg_total_relation_size('qa_questions')) as table, pg_size_pretty(pg_relation_size('qa_questions_search_idx')) as index`,
  );
  return {
    rows,
    figures: {
      loadSeconds: +loadSeconds.toFixed(1),
      indexedP50: rows[0]!.p50_ms,
      indexedP95: rows[0]!.p95_ms,
      ilikeP50: rows[5]!.p50_ms,
      ilikeP95: rows[5]!.p95_ms,
      recall: expected === 0 ? 1 : +(found / expected).toFixed(6),
      precision: returned === 0 ? 1 : +(found / returned).toFixed(6),
      baselineAndRecallQueries: checked,
      fullRecallQueries: `${fullRecallQueries}/${checked}`,
      slowestIndexed: slowest.sort((a, b) => b.ms - a.ms).slice(0, 8),
      tableSize: size?.table,
      indexSize: size?.index,
    },
  };
}

/** QA_BENCH_KEEP=1 leaves the loaded bench database in place; QA_BENCH_REUSE=1 queries it without loading. */
const KEEP = process.env.QA_BENCH_KEEP === "1";
const REUSE = process.env.QA_BENCH_REUSE === "1";

async function withPostgres<T>(run: (db: Database) => Promise<T>): Promise<T> {
  // QA_BENCH_REUSE queries a database a QA_BENCH_KEEP run left loaded; otherwise it is made afresh
  const own = REUSE ? null : await ownDatabase(BENCH_DB);
  const db = await openDatabase({ databaseUrl: own?.url ?? pgDatabaseUrl(BENCH_DB), dataDir: "" });
  try {
    return await run(db);
  } finally {
    await db.close();
    if (own && !KEEP) await own.drop();
  }
}

async function withPglite<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "qa-bench-"));
  const db = await openDatabase({ dataDir: dir });
  try {
    return await run(db);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const started = performance.now();
  const data = generate(ROWS);
  const queries = makeQueries(data);
  const answers = data.reduce((n, d) => n + d.answers.length, 0);
  console.log(
    `generated ${ROWS.toLocaleString()} questions and ${answers.toLocaleString()} answers, ${queries.length} queries`,
  );

  const rows: Record<string, unknown>[] = [];
  const figures: Record<string, unknown> = { questions: ROWS, answers, queries: queries.length, pageSize: PAGE };
  for (const engine of ENGINES) {
    const checkEvery = Math.max(
      1,
      Number(
        engine === "postgres"
          ? (process.env.QA_BENCH_PG_CHECK_EVERY ?? 1)
          : (process.env.QA_BENCH_PGLITE_CHECK_EVERY ?? 8),
      ),
    );
    const result = await (engine === "postgres" ? withPostgres : withPglite)((db) =>
      measure(engine, db, data, queries, checkEvery),
    );
    rows.push(...result.rows);
    figures[engine] = result.figures;
    console.table(result.rows);
    console.log(engine, result.figures);
  }
  const [a, b] = [...pages.values()];
  if (a && b) {
    figures.identicalPagesAcrossEngines = `${a.filter((ids, i) => ids.join() === b[i]?.join()).length}/${a.length}`;
  }
  figures.totalSeconds = +((performance.now() - started) / 1000).toFixed(1);
  report("qa-search", figures, rows);
}

await main();
