import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import { CAPABILITY_LABELS, type Capability } from "../../shared/enums.ts";
import {
  STUDIO_TASK_DUE_SOON_MS,
  type StudioAssignTask,
  type StudioMessage,
  type StudioTask,
} from "../../shared/studios.ts";
import { users } from "../auth/schema.ts";
import type { UserRow } from "../auth/sessions.ts";
import type { StudiosContext } from "./state.ts";
import { taskEvidence } from "../evidence/facts.ts";
import { recordEvidence } from "../evidence/service.ts";
import { invalidInput, notFound } from "../lib/errors.ts";
import { checkText } from "../moderation/service.ts";
import { notify } from "../notifications/service.ts";
import { messageById, toMessage } from "./messages.ts";
import { requireMentee, requireMentor } from "./policy.ts";
import { studioMessages, studios, studioTasks, studioTaskStates } from "./schema.ts";
import { broadcastMessage, loadAccess, studioLink, studioRoom } from "./service.ts";

type Ctx = Pick<StudiosContext, "studios" | "db" | "io" | "log" | "limits" | "words" | "redis">;

/** Tasks of a studio (or the given ids) with each mentee's state. */
export async function listTasks(
  ctx: Pick<StudiosContext, "db">,
  studioId: string,
  ids?: string[],
  until: Date | null = null,
): Promise<StudioTask[]> {
  const where = and(
    eq(studioTasks.studioId, studioId),
    ids ? inArray(studioTasks.id, ids) : undefined,
    until ? lte(studioTasks.createdAt, until) : undefined,
  );
  const tasks = await ctx.db
    .select()
    .from(studioTasks)
    .where(where)
    .orderBy(asc(studioTasks.dueAt), asc(studioTasks.createdAt));
  if (tasks.length === 0) return [];
  const states = await ctx.db
    .select({
      taskId: studioTaskStates.taskId,
      userId: studioTaskStates.userId,
      state: studioTaskStates.state,
      receivedAt: studioTaskStates.receivedAt,
      doneAt: studioTaskStates.doneAt,
      displayName: users.displayName,
    })
    .from(studioTaskStates)
    .innerJoin(users, eq(users.id, studioTaskStates.userId))
    .where(
      inArray(
        studioTaskStates.taskId,
        tasks.map((t) => t.id),
      ),
    );
  return tasks.map((t) => ({
    id: t.id,
    studioId: t.studioId,
    messageId: t.messageId,
    title: t.title,
    dueAt: t.dueAt.toISOString(),
    capability: (t.capability as Capability | null) ?? null,
    createdAt: t.createdAt.toISOString(),
    states: states
      .filter((s) => s.taskId === t.id)
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((s) => ({
        userId: s.userId,
        displayName: s.displayName,
        state: s.state,
        receivedAt: s.receivedAt?.toISOString() ?? null,
        doneAt: s.doneAt?.toISOString() ?? null,
      })),
  }));
}

/**
 * The mentor assigns a task in the chat: the task, one state per mentee and the chat message
 * announcing it are committed together (the message takes the next seq like any other).
 */
export async function assignTask(
  ctx: Ctx,
  user: UserRow,
  input: StudioAssignTask,
): Promise<{ message: StudioMessage; task: StudioTask }> {
  const access = await loadAccess(ctx, input.studioId);
  requireMentor(access, user);
  await ctx.limits.posting.consume(user.id);
  await checkText(ctx, input.title);
  const dueAt = new Date(input.dueAt);
  const mentees = [...access.members].filter(([, role]) => role === "mentee").map(([id]) => id);
  const label = input.capability ? `（${CAPABILITY_LABELS[input.capability]}）` : "";

  const existing = await ctx.db
    .select({ id: studioMessages.id, taskId: studioMessages.taskId })
    .from(studioMessages)
    .where(and(eq(studioMessages.studioId, input.studioId), eq(studioMessages.clientId, input.clientId)));
  if (existing[0]) {
    const message = (await messageById(ctx.db, input.studioId, existing[0].id))!;
    if (!existing[0].taskId) throw invalidInput("clientId 已被使用");
    const [task] = await listTasks(ctx, input.studioId, [existing[0].taskId]);
    return { message, task: task! };
  }

  const row = await ctx.db.transaction(async (tx) => {
    const [counter] = await tx
      .update(studios)
      .set({ lastSeq: sql`${studios.lastSeq} + 1` })
      .where(eq(studios.id, input.studioId))
      .returning({ seq: studios.lastSeq });
    const [task] = await tx
      .insert(studioTasks)
      .values({
        studioId: input.studioId,
        title: input.title,
        dueAt,
        capability: input.capability ?? null,
        createdBy: user.id,
      })
      .returning();
    await tx.insert(studioTaskStates).values(mentees.map((userId) => ({ taskId: task!.id, userId })));
    const [message] = await tx
      .insert(studioMessages)
      .values({
        studioId: input.studioId,
        seq: counter!.seq,
        clientId: input.clientId,
        authorId: user.id,
        kind: "task",
        text: `${input.title}${label}`,
        taskId: task!.id,
      })
      .returning();
    await tx.update(studioTasks).set({ messageId: message!.id }).where(eq(studioTasks.id, task!.id));
    return message!;
  });
  const message = toMessage(row, user.displayName, null, null);
  const [task] = await listTasks(ctx, input.studioId, [row.taskId!]);
  broadcastMessage(ctx, access, message);
  ctx.io.to(studioRoom(input.studioId)).emit("studio:task", { studioId: input.studioId, task: task! });
  for (const userId of mentees) {
    void notify(ctx, {
      userId,
      kind: "studio_task",
      title: `导师在「${access.name}」布置了任务：${input.title}`,
      body: `截止 ${dueAt.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}`,
      link: studioLink(input.studioId, message.seq),
    }).catch((err) => ctx.log.warn({ err }, "task notification failed"));
  }
  return { message, task: task! };
}

/** A mentee acknowledges (收到) or completes (已完成) a task; completing implies receiving. */
export async function setTaskState(
  ctx: Ctx,
  user: UserRow,
  input: { studioId: string; taskId: string; state: "received" | "done" },
): Promise<StudioTask> {
  const access = await loadAccess(ctx, input.studioId);
  requireMentee(access, user);
  const [task] = await ctx.db
    .select({
      id: studioTasks.id,
      studioId: studioTasks.studioId,
      title: studioTasks.title,
      capability: studioTasks.capability,
    })
    .from(studioTasks)
    .where(and(eq(studioTasks.id, input.taskId), eq(studioTasks.studioId, input.studioId)));
  if (!task) throw notFound("任务不存在");
  const now = new Date();
  await ctx.db.transaction(async (tx) => {
    const [changed] = await tx
      .update(studioTaskStates)
      .set(
        input.state === "done"
          ? {
              state: "done",
              doneAt: now,
              receivedAt: sql`coalesce(${studioTaskStates.receivedAt}, ${now.toISOString()}::timestamptz)`,
            }
          : {
              state: sql`case when ${studioTaskStates.state} = 'done' then 'done' else 'received' end`,
              receivedAt: sql`coalesce(${studioTaskStates.receivedAt}, ${now.toISOString()}::timestamptz)`,
            },
      )
      .where(and(eq(studioTaskStates.taskId, input.taskId), eq(studioTaskStates.userId, user.id)))
      .returning({ doneAt: studioTaskStates.doneAt });
    // completing is 成长档案 evidence, kept with the completion
    if (input.state === "done" && changed?.doneAt) {
      await recordEvidence(
        tx,
        taskEvidence({ ...task, capability: (task.capability as Capability | null) ?? null }, user.id, changed.doneAt),
      );
    }
  });
  const [updated] = await listTasks(ctx, input.studioId, [input.taskId]);
  ctx.io.to(studioRoom(input.studioId)).emit("studio:task", { studioId: input.studioId, task: updated! });
  return updated!;
}

/**
 * Reminds mentees of tasks due within a day that they have not completed. Each task is claimed
 * with one UPDATE … RETURNING, so with several server processes only one sends the reminder.
 */
export async function remindDueSoon(ctx: Pick<StudiosContext, "db" | "io" | "log">, now = new Date()): Promise<number> {
  const claimed = await ctx.db
    .update(studioTasks)
    .set({ dueSoonNotified: true })
    .where(
      and(
        eq(studioTasks.dueSoonNotified, false),
        gt(studioTasks.dueAt, now),
        lte(studioTasks.dueAt, new Date(now.getTime() + STUDIO_TASK_DUE_SOON_MS)),
      ),
    )
    .returning();
  let sent = 0;
  for (const task of claimed) {
    const pending = await ctx.db
      .select({ userId: studioTaskStates.userId })
      .from(studioTaskStates)
      .where(and(eq(studioTaskStates.taskId, task.id), sql`${studioTaskStates.state} <> 'done'`));
    for (const p of pending) {
      await notify(ctx, {
        userId: p.userId,
        kind: "studio_task_due",
        title: `任务即将到期：${task.title}`,
        body: `截止 ${task.dueAt.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}`,
        link: studioLink(task.studioId),
      });
      sent += 1;
    }
  }
  return sent;
}
