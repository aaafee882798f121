import type { Hono } from "hono";
import { z } from "zod";
import {
  AddMemberSchema,
  AddReviewerSchema,
  CandidatesQuerySchema,
  CreateCommentSchema,
  CreateProposalSchema,
  ExportQuerySchema,
  ListProposalsQuerySchema,
  ResolveCommentSchema,
  ReturnProposalSchema,
  SaveVersionSchema,
  SubmitReviewSchema,
  toMarkdown,
} from "../../shared/proposals.ts";
import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";
import { type ApiEnv, readId, readJson, readQuery, requireUser } from "../http/env.ts";
import { notFound } from "../lib/errors.ts";
import type { DocKind } from "../yjs/docKinds.ts";
import { parseDocName } from "../yjs/docKinds.ts";
import { announceWrites } from "./announce.ts";
import { toDocx } from "./export.ts";
import { docAccess } from "./policy.ts";
import { seedProposals } from "./seed.ts";
import * as service from "./service.ts";

function routes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.use("/proposals/:id/*", announceWrites(ctx));
  api.post("/proposals", async (c) => {
    const proposal = await service.createProposal(ctx, requireUser(c), await readJson(c, CreateProposalSchema));
    return c.json({ proposal }, 201);
  });
  api.get("/proposals", async (c) => c.json({ proposals: await service.listProposals(ctx, requireUser(c), readQuery(c, ListProposalsQuerySchema)) }));
  api.get("/proposals/people", async (c) => {
    const { q, reviewers } = readQuery(c, CandidatesQuerySchema.extend({ reviewers: z.enum(["true", "false"]).optional() }));
    return c.json({ users: await service.searchPeople(ctx, requireUser(c), q, reviewers === "true") });
  });
  api.get("/proposals/:id", async (c) => c.json({ proposal: await service.getProposal(ctx, requireUser(c), readId(c)) }));

  api.post("/proposals/:id/members", async (c) => {
    const proposal = await service.addMember(ctx, requireUser(c), readId(c), await readJson(c, AddMemberSchema));
    return c.json({ proposal });
  });
  api.delete("/proposals/:id/members/:userId", async (c) =>
    c.json({ proposal: await service.removeMember(ctx, requireUser(c), readId(c), readId(c, "userId")) }),
  );
  api.post("/proposals/:id/reviewers", async (c) => {
    const { userId } = await readJson(c, AddReviewerSchema);
    return c.json({ proposal: await service.addReviewer(ctx, requireUser(c), readId(c), userId) });
  });
  api.delete("/proposals/:id/reviewers/:userId", async (c) =>
    c.json({ proposal: await service.removeReviewer(ctx, requireUser(c), readId(c), readId(c, "userId")) }),
  );

  api.post("/proposals/:id/submit", async (c) => c.json({ proposal: await service.submitProposal(ctx, requireUser(c), readId(c)) }));
  api.post("/proposals/:id/start-review", async (c) => c.json({ proposal: await service.startReview(ctx, requireUser(c), readId(c)) }));
  api.post("/proposals/:id/return", async (c) => {
    const { reason } = await readJson(c, ReturnProposalSchema);
    return c.json({ proposal: await service.returnProposal(ctx, requireUser(c), readId(c), reason) });
  });
  api.post("/proposals/:id/approve", async (c) => c.json({ proposal: await service.approveProposal(ctx, requireUser(c), readId(c)) }));

  api.get("/proposals/:id/versions", async (c) => c.json({ versions: await service.listVersions(ctx, requireUser(c), readId(c)) }));
  api.post("/proposals/:id/versions", async (c) => {
    const { name } = await readJson(c, SaveVersionSchema);
    return c.json({ version: await service.saveVersion(ctx, requireUser(c), readId(c), name) }, 201);
  });
  api.get("/proposals/:id/versions/:versionId", async (c) =>
    c.json({ content: await service.versionContent(ctx, requireUser(c), readId(c), readId(c, "versionId")) }),
  );
  api.post("/proposals/:id/versions/:versionId/restore", async (c) =>
    c.json({ version: await service.restoreVersion(ctx, requireUser(c), readId(c), readId(c, "versionId")) }),
  );

  api.get("/proposals/:id/export", async (c) => {
    const { format, versionId } = readQuery(c, ExportQuerySchema);
    const { title, content } = await service.contentFor(ctx, requireUser(c), readId(c), versionId);
    const filename = encodeURIComponent(`${title}.${format}`);
    const disposition = `attachment; filename="proposal.${format}"; filename*=UTF-8''${filename}`;
    if (format === "md") {
      return c.body(toMarkdown(content, title), 200, { "content-type": "text/markdown; charset=utf-8", "content-disposition": disposition });
    }
    const bytes = await toDocx(content, title);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "content-disposition": disposition,
    });
  });

  api.get("/proposals/:id/comments", async (c) => c.json({ comments: await service.listComments(ctx, requireUser(c), readId(c)) }));
  api.post("/proposals/:id/comments", async (c) => {
    const comment = await service.addComment(ctx, requireUser(c), readId(c), await readJson(c, CreateCommentSchema));
    return c.json({ comment }, 201);
  });
  api.post("/proposals/:id/comments/:commentId/resolve", async (c) => {
    const { resolved } = await readJson(c, ResolveCommentSchema);
    await service.resolveComment(ctx, requireUser(c), readId(c), readId(c, "commentId"), resolved);
    return c.json({ ok: true });
  });

  api.get("/proposals/:id/reviews", async (c) => c.json(await service.listReviews(ctx, requireUser(c), readId(c))));
  api.post("/proposals/:id/reviews", async (c) => {
    const review = await service.submitReview(ctx, requireUser(c), readId(c), await readJson(c, SubmitReviewSchema));
    return c.json({ review }, 201);
  });
}

/** `/yjs/proposal:<id>`: owner and editors write while draft or returned; other members read. */
function docKinds(ctx: AppContext): DocKind[] {
  return [
    {
      prefix: "proposal",
      async access(user, docName) {
        const id = parseDocName(docName)?.id;
        if (!id) throw notFound();
        const { row, role } = await service.loadFor(ctx.db, user, id);
        return docAccess(role, row.status);
      },
    },
  ];
}

export const proposalsFeature: Feature = { name: "proposals", routes, docKinds, seed: seedProposals };
