import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StudioMessage, StudioTask } from "../../shared/studios.ts";
import { remindDueSoon } from "../../server/studios/tasks.ts";
import { emitAck, eventually, nextEvent } from "../helpers/clients.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { makePdf } from "../forums/helpers.ts";
import { clientId, createStudio, joinStudio, send } from "./helpers.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_ATTACHMENT_BYTES: String(200 * 1024) });
});
afterAll(() => server?.close());

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
let PDF: Uint8Array;
beforeAll(async () => {
  PDF = await makePdf(1);
});

function upload(
  client: { post: (p: string, b: unknown, h?: Record<string, string>) => Promise<any> },
  studioId: string,
  bytes: Uint8Array,
  name: string,
  type: string,
) {
  const form = new FormData();
  form.append("file", new Blob([bytes as unknown as BlobPart], { type }), name);
  return client.post(`/api/studios/${studioId}/attachments`, form);
}

async function notificationsOf(who: { client: { get: (p: string) => Promise<any> } }) {
  const res = await who.client.get("/api/notifications");
  return res.body.notifications as { kind: string; title: string; link: string | null }[];
}

describe("tasks", () => {
  it("mentor assigns in the chat; each mentee acknowledges 收到 then 已完成; everyone sees the states", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const a = await joinStudio(server, mentees[0]!, studio.id);
    const b = await joinStudio(server, mentees[1]!, studio.id);
    const announced = nextEvent(a.socket, "studio:message");
    const dueAt = new Date(Date.now() + 3 * 86400_000).toISOString();
    const assigned = await emitAck(m.socket, "studio:task", {
      studioId: studio.id,
      title: "走访辖区独居老人",
      dueAt,
      capability: "service",
      clientId: clientId(),
    });
    expect(assigned.ok).toBe(true);
    expect(assigned.message.kind).toBe("task");
    expect(assigned.message.taskId).toBe(assigned.task.id);
    expect((await announced).message.text).toContain("走访辖区独居老人");
    expect(assigned.task.states.map((s: { state: string }) => s.state)).toEqual(["assigned", "assigned"]);

    // the mentor cannot acknowledge for a mentee
    const byMentor = await emitAck(m.socket, "studio:taskState", {
      studioId: studio.id,
      taskId: assigned.task.id,
      state: "received",
    });
    expect(byMentor.error.code).toBe("forbidden");

    const pushed = nextEvent<{ task: StudioTask }>(m.socket, "studio:task");
    const got = await emitAck(a.socket, "studio:taskState", {
      studioId: studio.id,
      taskId: assigned.task.id,
      state: "received",
    });
    expect(got.ok).toBe(true);
    const aState = (t: StudioTask) => t.states.find((s) => s.userId === mentees[0]!.user.id)!;
    expect(aState((await pushed).task).state).toBe("received");
    const done = await emitAck(a.socket, "studio:taskState", {
      studioId: studio.id,
      taskId: assigned.task.id,
      state: "done",
    });
    expect(aState(done.task).state).toBe("done");
    expect(aState(done.task).doneAt).toBeTruthy();
    // a late 收到 does not undo 已完成
    const late = await emitAck(a.socket, "studio:taskState", {
      studioId: studio.id,
      taskId: assigned.task.id,
      state: "received",
    });
    expect(aState(late.task).state).toBe("done");

    const list = await mentees[1]!.client.get(`/api/studios/${studio.id}/tasks`);
    const task = list.body.tasks[0] as StudioTask;
    expect(task.states.find((s) => s.userId === mentees[1]!.user.id)!.state).toBe("assigned");
    expect(task.states.find((s) => s.userId === mentees[0]!.user.id)!.state).toBe("done");

    // each mentee was notified of the assignment
    await eventually(async () => (await notificationsOf(mentees[1]!)).some((n) => n.kind === "studio_task"));
    for (const s of [m, a, b]) s.socket.close();
  });

  it("mentees who have not finished are reminded once when a task is due soon", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const a = await joinStudio(server, mentees[0]!, studio.id);
    const soon = await emitAck(m.socket, "studio:task", {
      studioId: studio.id,
      title: "提交季度小结",
      dueAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
      clientId: clientId(),
    });
    await emitAck(a.socket, "studio:taskState", { studioId: studio.id, taskId: soon.task.id, state: "done" });
    await remindDueSoon(server.ctx);
    await remindDueSoon(server.ctx);
    await eventually(async () => (await notificationsOf(mentees[1]!)).some((n) => n.kind === "studio_task_due"));
    expect((await notificationsOf(mentees[1]!)).filter((n) => n.kind === "studio_task_due")).toHaveLength(1);
    expect((await notificationsOf(mentees[0]!)).filter((n) => n.kind === "studio_task_due")).toHaveLength(0);
    m.socket.close();
    a.socket.close();
  });
});

describe("mentions and replies", () => {
  it("an @mention notifies that member; a reply carries the quoted message", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const question = await send(m.socket, studio.id, "大家本周议事会开得怎么样？");
    const name = mentees[1]!.user.displayName;
    const sent = await send(m.socket, studio.id, `@${name} 请你先说说`, { replyTo: question.message.id });
    expect(sent.message.mentions).toEqual([mentees[1]!.user.id]);
    expect(sent.message.replyTo).toMatchObject({ id: question.message.id, seq: 1, text: "大家本周议事会开得怎么样？" });
    await eventually(async () => (await notificationsOf(mentees[1]!)).some((n) => n.kind === "studio_mention"));
    const note = (await notificationsOf(mentees[1]!)).find((n) => n.kind === "studio_mention")!;
    expect(note.link).toBe(`/studios/${studio.id}?seq=2`);
    expect((await notificationsOf(mentees[0]!)).some((n) => n.kind === "studio_mention")).toBe(false);
    m.socket.close();
  });
});

describe("search", () => {
  it("finds Chinese substrings within the studio only, ignoring withdrawn messages and treating % literally", async () => {
    const { studio, mentor } = await createStudio(server);
    const other = await createStudio(server);
    const m = await joinStudio(server, mentor, studio.id);
    const o = await joinStudio(server, other.mentor, other.studio.id);
    await send(m.socket, studio.id, "我家在上海东边");
    await send(m.socket, studio.id, "柳州的螺蛳粉");
    await send(m.socket, studio.id, "完成率 100% 了");
    const gone = await send(m.socket, studio.id, "上海的旧消息");
    await emitAck(m.socket, "studio:withdraw", { studioId: studio.id, messageId: gone.message.id });
    await send(o.socket, other.studio.id, "上海也有社区");

    const q = (text: string) => mentor.client.get(`/api/studios/${studio.id}/search?q=${encodeURIComponent(text)}`);
    expect((await q("上海")).body.messages.map((x: StudioMessage) => x.text)).toEqual(["我家在上海东边"]);
    expect((await q("海东")).body.messages.map((x: StudioMessage) => x.text)).toEqual(["我家在上海东边"]);
    expect((await q("螺蛳")).body.messages).toHaveLength(1);
    expect((await q("%")).body.messages.map((x: StudioMessage) => x.text)).toEqual(["完成率 100% 了"]);
    expect((await q("北京")).body.messages).toEqual([]);
    expect((await q("")).status).toBe(400);
    m.socket.close();
    o.socket.close();
  });
});

describe("attachments", () => {
  it("accepts an image and a PDF by content, serves them back to members, and sends them in a message", async () => {
    const { studio, mentor, mentees } = await createStudio(server);
    const img = await upload(mentor.client, studio.id, PNG, "照片.png", "image/png");
    expect(img.status).toBe(201);
    expect(img.body.attachment).toMatchObject({ mime: "image/png", isImage: true, name: "照片.png", size: PNG.length });
    const pdf = await upload(mentor.client, studio.id, PDF, "材料.bin", "application/octet-stream");
    expect(pdf.status).toBe(201);
    expect(pdf.body.attachment.mime).toBe("application/pdf");

    const fetched = await fetch(server.url + img.body.attachment.url, {
      headers: { cookie: mentees[0]!.client.cookie },
    });
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PNG)).toBe(true);

    const m = await joinStudio(server, mentor, studio.id);
    const sent = await send(m.socket, studio.id, "", { attachmentId: img.body.attachment.id });
    expect(sent.ok).toBe(true);
    expect(sent.message.attachment).toMatchObject({ id: img.body.attachment.id, isImage: true });
    const history = await mentees[0]!.client.get(`/api/studios/${studio.id}/messages`);
    expect(history.body.messages[0].attachment.url).toBe(img.body.attachment.url);

    // an attachment of another studio cannot be sent here
    const other = await createStudio(server);
    const foreign = await upload(other.mentor.client, other.studio.id, PNG, "x.png", "image/png");
    const refused = await send(m.socket, studio.id, "", { attachmentId: foreign.body.attachment.id });
    expect(refused.error!.code).toBe("invalid_input");
    m.socket.close();
  });

  it("refuses a file whose content is not an allowed type even with an image name, and files over the limit with 413", async () => {
    const { studio, mentor } = await createStudio(server);
    const fake = await upload(
      mentor.client,
      studio.id,
      Buffer.from("<script>alert(1)</script>"),
      "evil.png",
      "image/png",
    );
    expect(fake.status).toBe(400);
    expect(fake.body.error.code).toBe("invalid_input");
    const exe = await upload(
      mentor.client,
      studio.id,
      Buffer.from("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "latin1"),
      "a.pdf",
      "application/pdf",
    );
    expect(exe.status).toBe(400);

    // this server's limit is 200 KB: one byte over is refused
    const big = Buffer.concat([PNG, Buffer.alloc(200 * 1024 + 1 - PNG.length)]);
    const tooBig = await upload(mentor.client, studio.id, big, "big.png", "image/png");
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe("too_large");
    const fits = await upload(mentor.client, studio.id, big.subarray(0, 200 * 1024), "ok.png", "image/png");
    expect(fits.status).toBe(201);
    // way over: refused from the declared length
    const huge = await upload(mentor.client, studio.id, Buffer.alloc(2 * 1024 * 1024), "huge.png", "image/png");
    expect(huge.status).toBe(413);
  });
});

describe("带教记录 export", () => {
  it("Markdown holds messages in the range, pinned guidance and tasks; CSV holds each mentee's task state", async () => {
    const { studio, mentor, mentees } = await createStudio(server, { name: "五星导师工作室" });
    const m = await joinStudio(server, mentor, studio.id);
    const a = await joinStudio(server, mentees[0]!, studio.id);
    const guide = await send(m.socket, studio.id, "议事会要先摸清民意");
    await emitAck(m.socket, "studio:pin", { studioId: studio.id, messageId: guide.message.id, pinned: true });
    await send(a.socket, studio.id, "收到，我们下周开会");
    const gone = await send(a.socket, studio.id, "说错了");
    await emitAck(a.socket, "studio:withdraw", { studioId: studio.id, messageId: gone.message.id });
    const task = await emitAck(m.socket, "studio:task", {
      studioId: studio.id,
      title: '写一份议事记录, "初稿"',
      dueAt: new Date(Date.now() - 3600_000).toISOString(),
      capability: "deliberation",
      clientId: clientId(),
    });
    await emitAck(a.socket, "studio:taskState", { studioId: studio.id, taskId: task.task.id, state: "done" });

    const today = new Date().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
    const md = await mentees[1]!.client.get(`/api/studios/${studio.id}/export?format=md&from=${today}&to=${today}`);
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(md.headers.get("content-disposition")).toContain("attachment");
    const text: string = md.body;
    expect(text).toContain("# 带教记录：五星导师工作室");
    const pinned = text.slice(text.indexOf("## 置顶指导"), text.indexOf("## 任务"));
    expect(pinned).toContain("议事会要先摸清民意");
    expect(text).toContain("收到，我们下周开会");
    expect(text).toContain("（已撤回）");
    expect(text).not.toContain("说错了");
    expect(text).toContain("协商议事力");
    expect(text).toMatch(/已完成/);
    expect(text).toMatch(/待确认（已逾期）/);

    const csv = await mentor.client.get(`/api/studios/${studio.id}/export?format=csv&from=${today}&to=${today}`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = (csv.body as string)
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(rows[0]).toBe("任务,能力,布置时间,截止时间,学员,状态,收到时间,完成时间");
    expect(rows).toHaveLength(3);
    expect(
      rows.some(
        (r) =>
          r.startsWith('"写一份议事记录, ""初稿"""') &&
          r.includes(mentees[0]!.user.displayName) &&
          r.includes("已完成"),
      ),
    ).toBe(true);

    // a range before the studio's messages is empty
    const empty = await mentor.client.get(`/api/studios/${studio.id}/export?format=md&from=2020-01-01&to=2020-01-02`);
    expect(empty.body).toContain("## 消息记录（0 条）");
    m.socket.close();
    a.socket.close();
  });
});
