import { and, eq, sql } from "drizzle-orm";
import {
  BANGDAI_RESERVES_MAX,
  STUDIO_MENTEES_MAX,
  STUDIO_MENTEES_MIN,
  type Studio,
  type StudioMessage,
} from "../../shared/studios.ts";
import { STUDIO_KIND_LABELS } from "../../shared/vocabulary.ts";
import { factsOf, loadPerson } from "../accounts/people.ts";
import { recordAudit } from "../audit/service.ts";
import { hasRole, isOrganiser } from "../auth/policy.ts";
import type { UserRow } from "../auth/sessions.ts";
import { userRoom } from "../context.ts";
import type { Tx } from "../db/client.ts";
import type { StudiosContext } from "./state.ts";
import { conflict, forbidden, invalidInput, readOnly } from "../lib/errors.ts";
import { notify } from "../notifications/service.ts";
import { toMessage } from "./messages.ts";
import { checkMentee, isReadOnly, requireCanManageMembers, type StudioAccess } from "./policy.ts";
import { studioMembers, studioMessages, studios } from "./schema.ts";
import { forgetAccess, getStudio, loadAccess, studioLink, studioRoom } from "./service.ts";

/**
 * Members during the term: organisers (and the street's admin) add and take out the taught people
 * of a studio while its term runs. A row is never deleted: taking someone out sets `leftAt`, which
 * bounds what they may still read. Each change, its audit entry and the room's system line
 * (「张丽书记加入了工作室」) commit together, the line taking the studio's next seq like any message.
 */

type Ctx = Pick<StudiosContext, "studios" | "db" | "io" | "log" | "limits" | "words" | "redis" | "authorityChanged">;

/** How the room names a person: a secretary with their title (「张丽书记」), as people address them. */
const calledBy = (person: Pick<UserRow, "displayName" | "roles">) =>
  hasRole(person, "secretary") && !person.displayName.endsWith("书记")
    ? `${person.displayName}书记`
    : person.displayName;

async function checkChange(ctx: Ctx, actor: UserRow, studioId: string): Promise<StudioAccess> {
  const access = await loadAccess(ctx, studioId);
  requireCanManageMembers(actor, access);
  if (isReadOnly(access)) throw readOnly("工作室任期已结束，不能调整成员");
  return access;
}

export async function addMember(ctx: Ctx, actor: UserRow, studioId: string, userId: string): Promise<Studio> {
  const access = await checkChange(ctx, actor, studioId);
  const person = await loadPerson(ctx.db, userId);
  if (!person || person.disabled) throw invalidInput("人员不存在或已停用");
  const problem = checkMentee(access.kind, person);
  if (problem) throw invalidInput(problem);
  if (!isOrganiser(actor) && factsOf(person).street !== access.streetId)
    throw forbidden("街道管理员只能添加本街道的人员");
  const name = calledBy(person);

  const at = new Date();
  const row = await ctx.db.transaction(async (tx) => {
    // the studio row is locked first: two organisers changing the same studio are taken in turn
    const [studio] = await tx.select().from(studios).where(eq(studios.id, studioId)).for("update");
    const rows = await tx.select().from(studioMembers).where(eq(studioMembers.studioId, studioId));
    const existing = rows.find((r) => r.userId === userId);
    if (existing && !existing.leftAt) throw conflict(`${person.displayName} 已在工作室中`);
    const taught = rows.filter((r) => r.role === "mentee" && !r.leftAt).length;
    if (access.kind === "mentor" && taught >= STUDIO_MENTEES_MAX) {
      throw conflict(`导师工作室最多带教 ${STUDIO_MENTEES_MAX} 名书记，请先移出一人`);
    }
    if (access.kind === "bangdai" && taught >= BANGDAI_RESERVES_MAX)
      throw conflict(`帮带工作室最多 ${BANGDAI_RESERVES_MAX} 名后备人选`);
    // someone coming back reads the studio as a new member does; unread starts at their joining line
    const membership = { role: "mentee" as const, joinedAt: at, leftAt: null, readSeq: studio!.lastSeq };
    if (existing) {
      await tx
        .update(studioMembers)
        .set(membership)
        .where(and(eq(studioMembers.studioId, studioId), eq(studioMembers.userId, userId)));
    } else {
      await tx.insert(studioMembers).values({ studioId, userId, ...membership });
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "studio.member_add",
      targetType: "user",
      targetId: userId,
      after: { studioId, role: "mentee" },
      meta: { studioName: access.name, kind: access.kind },
    });
    return systemLine(tx, studioId, actor.id, `${name}加入了工作室`, at);
  });
  await forgetAccess(ctx, studioId);
  announce(ctx, await loadAccess(ctx, studioId), toMessage(row, actor.displayName, null, null), userId);
  void notify(ctx, {
    userId,
    kind: "studio_added",
    title: `你已加入${STUDIO_KIND_LABELS[access.kind]}「${access.name}」`,
    link: studioLink(studioId),
  }).catch((err) => ctx.log.warn({ err }, "studio notification failed"));
  return getStudio(ctx, actor, studioId);
}

export async function removeMember(ctx: Ctx, actor: UserRow, studioId: string, userId: string): Promise<Studio> {
  const access = await checkChange(ctx, actor, studioId);
  if (access.members.get(userId) === "mentor")
    throw invalidInput(access.kind === "bangdai" ? "不能移出带教的老书记" : "不能移出工作室的导师");
  const person = await loadPerson(ctx.db, userId);
  if (!person) throw invalidInput("人员不存在");
  const name = calledBy(person);

  const at = new Date();
  const row = await ctx.db.transaction(async (tx) => {
    await tx.select({ id: studios.id }).from(studios).where(eq(studios.id, studioId)).for("update");
    const rows = await tx.select().from(studioMembers).where(eq(studioMembers.studioId, studioId));
    const existing = rows.find((r) => r.userId === userId);
    if (!existing || existing.leftAt) throw conflict(`${person.displayName} 不在工作室中`);
    if (existing.role === "mentor") throw invalidInput("不能移出工作室的导师");
    const taught = rows.filter((r) => r.role === "mentee" && !r.leftAt).length;
    if (access.kind === "mentor" && taught - 1 < STUDIO_MENTEES_MIN) {
      throw conflict(`导师工作室至少带教 ${STUDIO_MENTEES_MIN} 名书记，请先添加一人`);
    }
    if (access.kind === "bangdai" && taught - 1 < 1) throw conflict("帮带工作室至少保留一名后备人选");
    await tx
      .update(studioMembers)
      .set({ leftAt: at })
      .where(and(eq(studioMembers.studioId, studioId), eq(studioMembers.userId, userId)));
    await recordAudit(tx, {
      actorId: actor.id,
      action: "studio.member_remove",
      targetType: "user",
      targetId: userId,
      before: { studioId, role: existing.role, joinedAt: existing.joinedAt.toISOString() },
      after: { leftAt: at.toISOString() },
      meta: { studioName: access.name, kind: access.kind },
    });
    // written at the leaving instant, so the leaver's record ends with this line
    return systemLine(tx, studioId, actor.id, `${name}离开了工作室`, at);
  });
  await forgetAccess(ctx, studioId);
  announce(ctx, await loadAccess(ctx, studioId), toMessage(row, actor.displayName, null, null), userId);
  // the leaver's open sockets, on every process, leave the room now (see recheckStudioRooms)
  await ctx.authorityChanged(userId);
  return getStudio(ctx, actor, studioId);
}

async function systemLine(tx: Tx, studioId: string, actorId: string, text: string, at: Date) {
  const [counter] = await tx
    .update(studios)
    .set({ lastSeq: sql`${studios.lastSeq} + 1` })
    .where(eq(studios.id, studioId))
    .returning({ seq: studios.lastSeq });
  const [row] = await tx
    .insert(studioMessages)
    .values({
      studioId,
      seq: counter!.seq,
      clientId: `system-${crypto.randomUUID()}`,
      authorId: actorId,
      kind: "system",
      text,
      createdAt: at,
    })
    .returning();
  return row!;
}

/** The system line goes live to the room and to every member's own room, and to the person it is about. */
function announce(ctx: Pick<StudiosContext, "io">, access: StudioAccess, message: StudioMessage, subjectId: string) {
  const rooms = new Set([studioRoom(access.id), ...[...access.members.keys()].map(userRoom), userRoom(subjectId)]);
  ctx.io.to([...rooms]).emit("studio:message", { studioId: access.id, message });
}
