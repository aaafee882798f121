import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { DemoUsers } from "../feature.ts";
import { studioMembers, studioMessages, studios, studioTasks, studioTaskStates } from "./schema.ts";

const HOUR = 3600_000;

/** A demo studio: mentor1 with sec1 and sec2, a short conversation, pinned guidance and a task. */
export async function seedStudios(db: Db, users: DemoUsers): Promise<void> {
  const mentor = users.mentor1;
  const a = users.sec1;
  const b = users.sec2;
  if (!mentor || !a || !b) return;
  const now = Date.now();
  const start = new Date(now - 30 * 24 * HOUR);
  const [studio] = await db
    .insert(studios)
    .values({
      name: "李建华导师工作室",
      mentorId: mentor.id,
      termStartsAt: start,
      termEndsAt: new Date(start.getTime() + 2 * 365 * 24 * HOUR),
      createdBy: users.admin?.id ?? null,
    })
    .returning();
  const studioId = studio!.id;
  await db.insert(studioMembers).values([
    { studioId, userId: mentor.id, role: "mentor", joinedAt: start },
    { studioId, userId: a.id, role: "mentee", readSeq: 3, joinedAt: start },
    { studioId, userId: b.id, role: "mentee", readSeq: 2, joinedAt: start },
  ]);
  const [task] = await db
    .insert(studioTasks)
    .values({
      studioId,
      title: "整理本社区“微网格”议事记录一份",
      dueAt: new Date(now + 5 * 24 * HOUR),
      capability: "deliberation",
      createdBy: mentor.id,
      createdAt: new Date(now - 20 * HOUR),
    })
    .returning();
  const lines: { author: string; text: string; at: number; kind?: "task"; pinned?: boolean }[] = [
    {
      author: mentor.id,
      text: "欢迎两位书记加入工作室！这两年我们一起把“书记讲给书记听”落到实处。",
      at: 48,
      pinned: true,
    },
    { author: a.id, text: "谢谢李导师！五星社区最近在推进加装电梯的协商，想请您指点。", at: 47 },
    {
      author: mentor.id,
      text: "议事前先把楼栋意见摸清楚，分歧大的户单独上门。@张丽书记 可以先列一份名单。",
      at: 46,
      pinned: true,
    },
    { author: mentor.id, text: "整理本社区“微网格”议事记录一份（协商议事力）", at: 20, kind: "task" },
    { author: b.id, text: "收到，本周内交。", at: 19 },
  ];
  let seq = 0;
  for (const line of lines) {
    seq += 1;
    const [row] = await db
      .insert(studioMessages)
      .values({
        studioId,
        seq,
        clientId: `seed-${seq}-${studioId}`,
        authorId: line.author,
        kind: line.kind ?? "text",
        text: line.text,
        taskId: line.kind === "task" ? task!.id : null,
        mentions: line.text.includes("@张丽书记") ? [a.id] : [],
        createdAt: new Date(now - line.at * HOUR),
        pinnedAt: line.pinned ? new Date(now - line.at * HOUR) : null,
      })
      .returning();
    if (line.kind === "task")
      await db.update(studioTasks).set({ messageId: row!.id }).where(eq(studioTasks.id, task!.id));
  }
  await db.update(studios).set({ lastSeq: seq }).where(eq(studios.id, studioId));
  await db.insert(studioTaskStates).values([
    { taskId: task!.id, userId: a.id, state: "assigned" },
    { taskId: task!.id, userId: b.id, state: "received", receivedAt: new Date(now - 19 * HOUR) },
  ]);
}
