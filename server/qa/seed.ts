import type { Capability } from "../../shared/enums.ts";
import type { Db } from "../db/client.ts";
import type { DemoUsers } from "../feature.ts";
import { eq } from "drizzle-orm";
import { qaAnswers, qaEventItems, qaEvents, qaQuestions, qaQuestionVotes } from "./schema.ts";
import { reindexQuestion } from "./service.ts";

interface SeedQuestion {
  asker: string;
  title: string;
  body: string;
  capability: Capability;
  tags: string[];
  anonymous?: boolean;
  voters: string[];
  answers: { by: string; body: string; accepted?: boolean }[];
}

/** A first visit shows a board that has been in use: real community-work questions and answers. */
const QUESTIONS: SeedQuestion[] = [
  {
    asker: "sec2",
    title: "物业公司和业委会闹矛盾，居民天天来社区投诉怎么办？",
    body: "我们小区物业合同快到期了，业委会想换物业，物业公司拖着不交接，停车费和公共收益账目也说不清。居民每天来社区投诉，我刚到任半年，不知道社区该站在什么位置。",
    capability: "coordination",
    tags: ["物业纠纷", "业委会"],
    voters: ["sec1", "sec3", "worker1"],
    answers: [
      {
        by: "veteran1",
        accepted: true,
        body: "社区要当**裁判和桥梁**，不要当任何一方的代言人。我的做法：\n\n1. 先把街道房管、司法所请来，三方一起把合同条款和交接义务讲清楚；\n2. 公共收益账目请第三方审计，结果在公示栏公开；\n3. 召开居民议事会，把换不换物业交给业主大会依法表决。\n\n只要程序公开，居民的火气就会降一半。",
      },
      { by: "mentor1", body: "补充一点：交接期间的保安、保洁不能断，可以先和物业签一个过渡期协议，写明费用由谁承担。" },
    ],
  },
  {
    asker: "worker1",
    title: "老旧小区加装电梯，一楼住户坚决反对怎么协调？",
    body: "单元里 2 楼以上的住户都同意加装电梯，一楼两户担心采光和噪音坚决反对，还说要去信访。社区怎么做协调工作？",
    capability: "deliberation",
    tags: ["加装电梯", "老旧小区改造"],
    anonymous: true,
    voters: ["sec1", "sec2", "sec3", "mentor1"],
    answers: [
      {
        by: "veteran1",
        body: "加装电梯最难的就是低层住户。我们社区的经验是“算清账、补到位、请上门”：请设计单位出采光影响报告，高层住户按楼层分摊出一笔补偿给低层，再请已经装好电梯的小区的一楼住户来现身说法。",
      },
    ],
  },
  {
    asker: "sec3",
    title: "居民议事会开成了吵架会，怎么引导大家有序协商？",
    body: "第一次开居民议事会讨论小区停车问题，几个居民情绪激动，会开到一半就散了。议事规则应该怎么定？",
    capability: "deliberation",
    tags: ["居民议事会", "议事规则"],
    voters: ["worker1"],
    answers: [
      {
        by: "mentor1",
        accepted: true,
        body: "会前一定要**先定规则**：发言限时 3 分钟、不打断、不人身攻击、少数服从多数。可以参考罗伯特议事规则的简化版，印在桌牌上。主持人由社区以外的中立人员担任效果更好。",
      },
    ],
  },
  {
    asker: "sec1",
    title: "党建引领老旧小区改造，怎么让居民愿意出资？",
    body: "老旧小区改造政府出大头，但屋面防水、楼道粉刷需要居民自筹一部分，动员起来很难。有没有成功的做法？",
    capability: "mobilization",
    tags: ["老旧小区改造", "党建引领"],
    voters: ["sec2"],
    answers: [],
  },
  {
    asker: "sec2",
    title: "新手书记第一个月应该先做哪几件事？",
    body: "刚从街道调到社区任书记，辖区 3000 多户，情况还不熟。老书记们第一个月一般怎么安排？",
    capability: "service",
    tags: ["新手书记"],
    voters: ["worker1", "sec3"],
    answers: [],
  },
];

export async function seedQa(db: Db, users: DemoUsers): Promise<void> {
  const userId = (name: string) => users[name]?.id;
  const ids: string[] = [];
  for (const [i, q] of QUESTIONS.entries()) {
    const askerId = userId(q.asker);
    if (!askerId) continue;
    const at = new Date(Date.now() - (QUESTIONS.length - i) * 36 * 3600_000);
    const [question] = await db
      .insert(qaQuestions)
      .values({
        authorId: askerId,
        title: q.title,
        body: q.body,
        capability: q.capability,
        tags: q.tags,
        anonymous: q.anonymous ?? false,
        votes: 0,
        createdAt: at,
        updatedAt: at,
        lastActivityAt: at,
      })
      .returning({ id: qaQuestions.id });
    const questionId = question!.id;
    ids.push(questionId);
    const voters = q.voters.map(userId).filter((v): v is string => Boolean(v));
    if (voters.length) await db.insert(qaQuestionVotes).values(voters.map((v) => ({ questionId, userId: v })));
    let acceptedAnswerId: string | null = null;
    for (const [j, a] of q.answers.entries()) {
      const authorId = userId(a.by);
      if (!authorId) continue;
      const answeredAt = new Date(at.getTime() + (j + 1) * 3600_000);
      const [answer] = await db
        .insert(qaAnswers)
        .values({ questionId, authorId, body: a.body, createdAt: answeredAt, updatedAt: answeredAt })
        .returning({ id: qaAnswers.id });
      if (a.accepted) acceptedAnswerId = answer!.id;
    }
    await db.update(qaQuestions).set({ votes: voters.length, acceptedAnswerId }).where(eq(qaQuestions.id, questionId));
    await reindexQuestion(db, questionId);
  }
  // next quarter's 老书记论坛, with the unanswered questions already queued
  const admin = userId("admin");
  if (!admin) return;
  const [event] = await db
    .insert(qaEvents)
    .values({ title: "第四季度老书记论坛", startsAt: nextWeekAfternoon(), hostId: admin })
    .returning({ id: qaEvents.id });
  const unanswered = QUESTIONS.flatMap((q, i) => (q.answers.length === 0 && ids[i] ? [ids[i]!] : []));
  if (unanswered.length) {
    await db.insert(qaEventItems).values(
      unanswered.map((questionId, i) => ({
        eventId: event!.id,
        questionId,
        position: i + 1,
        source: "pulled" as const,
      })),
    );
  }
}

/** 14:30 Beijing time, a week from today: when the district holds its forums. */
function nextWeekAfternoon(): Date {
  const day = new Date(Date.now() + 7 * 24 * 3600_000);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 6, 30));
}
