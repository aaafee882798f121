import { setImmediate } from "node:timers/promises";
import { sql, type SQL } from "drizzle-orm";
import { CAPABILITIES } from "../../shared/enums.ts";
import type { Db } from "../db/client.ts";
import { PROPOSAL_CAPABILITIES, REVIEW_TOTAL_MAX, TALK_MARK_MAX } from "./facts.ts";

/**
 * Derives the 成长档案 evidence of facts made before the features wrote it themselves (or imported
 * around them): the one place that reads the other features' tables. Each statement is
 * `insert … select … on conflict do nothing`, shaped as facts.ts shapes the live writes, so running
 * it again — at every start — adds nothing. Where a table does not keep the moment of the fact,
 * the nearest kept time stands in (see docs/growth.md).
 */
export async function backfillEvidence(db: Db): Promise<number> {
  let added = 0;
  for (const statement of statements()) {
    // On the embedded database a statement runs on the server's own thread and the next would follow
    // it at once: let requests that came in meanwhile (the first ones after a start) be read first.
    await setImmediate();
    const result = (await db.execute(statement)) as unknown as { affectedRows?: number; count?: number };
    added += Number(result.affectedRows ?? result.count ?? 0);
  }
  return added;
}

const all = sql.raw(`array[${CAPABILITIES.map((c) => `'${c}'`).join(",")}]::text[]`);
const proposalCaps = sql.raw(`array[${PROPOSAL_CAPABILITIES.map((c) => `'${c}'`).join(",")}]::text[]`);
const tagOf = (column: SQL) => sql`case when ${column} is null then '{}'::text[] else array[${column}]::text[] end`;
const onConflict = sql`on conflict (user_id, kind, source_kind, source_id) do nothing`;
const columns = sql`insert into evidence (user_id, kind, source_kind, source_id, at, title, capabilities, score, detail)`;
const talkScores = sql.raw(
  `jsonb_build_object(${CAPABILITIES.map(
    (c) => `'${c}', round((t.frozen_scoreboard -> 'weighted' ->> '${c}')::numeric * 100 / ${TALK_MARK_MAX}, 2)`,
  ).join(", ")})`,
);

function statements(): SQL[] {
  return [
    // check-ins to trainings, forums and 老书记论坛 events
    sql`${columns}
      select ck.user_id, 'attended', 'training', tr.id::text, ck.at, tr.title, tr.capabilities, null, jsonb_build_object('hours', tr.hours::float8)
      from checkins ck join trainings tr on ck.kind = 'training' and tr.id = ck.activity_id
      ${onConflict}`,
    sql`${columns}
      select ck.user_id, 'attended', 'forum', f.id::text, ck.at, f.title, '{}'::text[], null, jsonb_build_object('hours', f.hours::float8)
      from checkins ck join forums f on ck.kind = 'forum' and f.id = ck.activity_id
      ${onConflict}`,
    sql`${columns}
      select ck.user_id, 'attended', 'event', ev.id::text, ck.at, ev.title, '{}'::text[], null, jsonb_build_object('hours', ev.hours::float8)
      from checkins ck join qa_events ev on ck.kind = 'qa_event' and ev.id = ck.activity_id
      ${onConflict}`,
    // talks with a frozen 群众考书记 result first, so they win over the plain "talk given" below
    sql`${columns}
      select t.presenter_id, 'talk_given', 'forum_talk', t.id::text, coalesce(t.ended_at, f.ended_at, t.created_at), t.title, ${all},
             round((t.frozen_scoreboard ->> 'total')::numeric * 100 / ${sql.raw(String(TALK_MARK_MAX))}, 2),
             jsonb_build_object('forumId', t.forum_id::text, 'total', (t.frozen_scoreboard ->> 'total')::numeric,
                                'ballots', (t.frozen_scoreboard ->> 'ballots')::int, 'capabilityScores', ${talkScores})
      from forum_talks t join forums f on f.id = t.forum_id
      where t.round_status = 'closed' and t.frozen_scoreboard is not null and t.frozen_scoreboard ->> 'total' is not null
      ${onConflict}`,
    sql`${columns}
      select t.presenter_id, 'talk_given', 'forum_talk', t.id::text, coalesce(t.ended_at, f.ended_at), t.title, ${tagOf(sql`t.capability`)}, null,
             jsonb_build_object('forumId', t.forum_id::text)
      from forum_talks t join forums f on f.id = t.forum_id
      where t.started_at is not null and coalesce(t.ended_at, f.ended_at) is not null
      ${onConflict}`,
    // studio tasks done, and pinned guidance for every mentee of the studio
    sql`${columns}
      select s.user_id, 'task_completed', 'studio_task', k.id::text, s.done_at, k.title, ${tagOf(sql`k.capability`)}, null,
             jsonb_build_object('studioId', k.studio_id::text)
      from studio_task_states s join studio_tasks k on k.id = s.task_id
      where s.state = 'done' and s.done_at is not null
      ${onConflict}`,
    sql`${columns}
      select sm.user_id, 'guidance_received', 'studio_message', m.id::text, m.pinned_at,
             case when char_length(m.text) > 60 then left(m.text, 59) || '…' else m.text end, '{}'::text[], null,
             jsonb_build_object('studioId', m.studio_id::text)
      from studio_messages m join studio_members sm on sm.studio_id = m.studio_id and sm.role = 'mentee'
      where m.pinned_at is not null and m.withdrawn_at is null and m.kind = 'text'
      ${onConflict}`,
    // proposals: submitted (the first submission's snapshot time) and approved (with the last round's mean review)
    sql`${columns}
      select w.user_id, 'proposal_submitted', 'proposal', p.id::text,
             coalesce((select min(v.created_at) from proposal_versions v where v.proposal_id = p.id and v.round is not null), p.updated_at),
             p.title, ${proposalCaps}, null, '{}'::jsonb
      from proposals p
      cross join lateral (select p.owner_id as user_id
                          union select pm.user_id from proposal_members pm where pm.proposal_id = p.id and pm.role = 'editor') w
      where p.round > 0
      ${onConflict}`,
    sql`${columns}
      select w.user_id, 'proposal_approved', 'proposal', p.id::text, p.updated_at, p.title, ${proposalCaps},
             case when r.reviews > 0 then round(r.mean_total * 100 / ${sql.raw(String(REVIEW_TOTAL_MAX))}, 2) end,
             case when r.reviews > 0 then jsonb_build_object('meanTotal', round(r.mean_total, 2), 'reviews', r.reviews) else '{}'::jsonb end
      from proposals p
      cross join lateral (select p.owner_id as user_id
                          union select pm.user_id from proposal_members pm where pm.proposal_id = p.id and pm.role = 'editor') w
      cross join lateral (
        select count(*)::int as reviews,
               avg((rv.scores ->> 'innovation')::numeric + (rv.scores ->> 'feasibility')::numeric + (rv.scores ->> 'capability')::numeric
                   + (rv.scores ->> 'budget')::numeric + (rv.scores ->> 'outcome')::numeric) as mean_total
        from proposal_reviews rv where rv.proposal_id = p.id and rv.round = p.round) r
      where p.status = 'approved'
      ${onConflict}`,
    // Q&A: the accepted answer (the question's last activity stands in for the moment of acceptance)
    sql`${columns}
      select a.author_id, 'answer_accepted', 'qa_answer', a.id::text, greatest(q.last_activity_at, a.created_at), q.title,
             ${tagOf(sql`q.capability`)}, null, jsonb_build_object('questionId', q.id::text)
      from qa_questions q join qa_answers a on a.id = q.accepted_answer_id
      ${onConflict}`,
    // answers given while a 老书记论坛 holding the question was live
    sql`${columns}
      select distinct on (a.author_id, q.id) a.author_id, 'event_question_answered', 'qa_event_question', q.id::text, a.created_at, q.title,
             ${tagOf(sql`q.capability`)}, null, jsonb_build_object('questionId', q.id::text, 'eventId', ev.id::text)
      from qa_event_items i
      join qa_events ev on ev.id = i.event_id
      join qa_questions q on q.id = i.question_id
      join qa_answers a on a.question_id = q.id
      where ev.started_at is not null and a.created_at >= ev.started_at and a.created_at <= coalesce(ev.ended_at, now())
      order by a.author_id, q.id, a.created_at
      ${onConflict}`,
  ];
}
