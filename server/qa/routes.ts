import type { Hono } from "hono";
import {
  QaAuditQuerySchema,
  QaPullSchema,
  AnswerBodySchema,
  CreateEventSchema,
  CreateQuestionSchema,
  EditQuestionSchema,
  InviteSchema,
  ListQuestionsSchema,
  ReasonBodySchema,
  SimilarQuestionsSchema,
  VoteSchema,
} from "../../shared/qa.ts";
import type { AppContext } from "../context.ts";
import { type ApiContext, type ApiEnv, readId, readJson, readOptionalJson, readQuery } from "../http/env.ts";
import { createEvent, eventState, listEvents, pullTopUnanswered } from "./live.ts";
import { listAudit, listReports, reportPost, setHidden } from "./moderation.ts";
import { leaderboard, listVeterans, veteranProfile } from "./people.ts";
import {
  acceptAnswer,
  askQuestion,
  editAnswer,
  editQuestion,
  getQuestion,
  inviteToAnswer,
  listQuestions,
  postAnswer,
  similarQuestions,
  voteAnswer,
  voteQuestion,
} from "./service.ts";

const id = (c: ApiContext) => readId(c);

export function qaRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  // ---- questions
  api.post("/questions", async (c) => {
    const question = await askQuestion(ctx, c.var.user, await readJson(c, CreateQuestionSchema));
    return c.json({ question }, 201);
  });
  api.get("/questions", async (c) => {
    const user = c.var.user;
    return c.json(await listQuestions(ctx, user, readQuery(c, ListQuestionsSchema)));
  });
  api.get("/questions/similar", async (c) => {
    const user = c.var.user;
    const { title } = readQuery(c, SimilarQuestionsSchema);
    return c.json({ questions: await similarQuestions(ctx, user, title) });
  });
  api.get("/questions/:id", async (c) => c.json(await getQuestion(ctx, c.var.user, id(c))));
  api.patch("/questions/:id", async (c) => {
    const user = c.var.user;
    return c.json({ question: await editQuestion(ctx, user, id(c), await readJson(c, EditQuestionSchema)) });
  });
  api.post("/questions/:id/vote", async (c) => {
    const user = c.var.user;
    const { up } = await readOptionalJson(c, VoteSchema);
    return c.json(await voteQuestion(ctx, user, id(c), up));
  });
  api.post("/questions/:id/invite", async (c) => {
    const user = c.var.user;
    const { userId } = await readJson(c, InviteSchema);
    return c.json(await inviteToAnswer(ctx, user, id(c), userId));
  });

  // ---- answers
  api.post("/questions/:id/answers", async (c) => {
    const user = c.var.user;
    const { body } = await readJson(c, AnswerBodySchema);
    return c.json({ answer: await postAnswer(ctx, user, id(c), body) }, 201);
  });
  api.patch("/answers/:id", async (c) => {
    const user = c.var.user;
    const { body } = await readJson(c, AnswerBodySchema);
    return c.json({ answer: await editAnswer(ctx, user, id(c), body) });
  });
  api.post("/answers/:id/vote", async (c) => {
    const user = c.var.user;
    const { up } = await readOptionalJson(c, VoteSchema);
    return c.json(await voteAnswer(ctx, user, id(c), up));
  });
  api.post("/answers/:id/accept", async (c) => c.json(await acceptAnswer(ctx, c.var.user, id(c))));

  // ---- moderation: report (anyone), hide/restore (admins), the trail (admins)
  for (const type of ["question", "answer"] as const) {
    const base = type === "question" ? "/questions/:id" : "/answers/:id";
    api.post(`${base}/report`, async (c) => {
      const user = c.var.user;
      const { reason } = await readJson(c, ReasonBodySchema);
      return c.json(await reportPost(ctx, user, { type, id: id(c) }, reason));
    });
    for (const action of ["hide", "restore"] as const) {
      api.post(`${base}/${action}`, async (c) => {
        const user = c.var.user;
        const { reason } = await readJson(c, ReasonBodySchema);
        return c.json(await setHidden(ctx, user, { type, id: id(c) }, action === "hide", reason));
      });
    }
  }
  api.get("/qa/reports", async (c) => c.json({ reports: await listReports(ctx, c.var.user) }));
  api.get("/qa/audit", async (c) => {
    const user = c.var.user;
    return c.json({ entries: await listAudit(ctx, user, readQuery(c, QaAuditQuerySchema).targetId) });
  });

  // ---- people
  api.get("/qa/veterans", async (c) => {
    c.var.user;
    return c.json({ users: await listVeterans(ctx) });
  });
  api.get("/qa/leaderboard", async (c) => {
    c.var.user;
    return c.json({ leaders: await leaderboard(ctx) });
  });
  api.get("/qa/users/:id/profile", async (c) => {
    c.var.user;
    return c.json({ profile: await veteranProfile(ctx, id(c)) });
  });

  // ---- live events
  api.get("/qa/events", async (c) => {
    c.var.user;
    return c.json({ events: await listEvents(ctx) });
  });
  api.post("/qa/events", async (c) => {
    const state = await createEvent(ctx, c.var.user, await readJson(c, CreateEventSchema));
    return c.json({ event: state.event, state }, 201);
  });
  api.get("/qa/events/:id", async (c) => c.json({ state: await eventState(ctx, c.var.user, id(c)) }));
  api.post("/qa/events/:id/pull", async (c) => {
    const user = c.var.user;
    const { count } = await readOptionalJson(c, QaPullSchema);
    return c.json({ state: await pullTopUnanswered(ctx, user, id(c), count) });
  });
}
