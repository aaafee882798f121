import type { Hono } from "hono";
import {
  AddMemberSchema,
  AddReviewerSchema,
  ProposalPeopleQuerySchema,
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
import { type ApiEnv, readId, readJson, readQuery } from "../http/env.ts";
import * as comments from "./comments.ts";
import * as members from "./members.ts";
import * as reviews from "./reviews.ts";
import * as service from "./service.ts";
import * as versions from "./versions.ts";

export function proposalRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.post("/proposals", async (c) => {
    const proposal = await service.createProposal(ctx, c.var.user, await readJson(c, CreateProposalSchema));
    return c.json({ proposal }, 201);
  });
  api.get("/proposals", async (c) =>
    c.json({ proposals: await service.listProposals(ctx, c.var.user, readQuery(c, ListProposalsQuerySchema)) }),
  );
  api.get("/proposals/people", async (c) => {
    const { q, reviewers } = readQuery(c, ProposalPeopleQuerySchema);
    return c.json({ users: await members.searchPeople(ctx, c.var.user, q, reviewers === "true") });
  });
  api.get("/proposals/:id", async (c) => c.json({ proposal: await service.getProposal(ctx, c.var.user, readId(c)) }));

  api.post("/proposals/:id/members", async (c) => {
    const proposal = await members.addMember(ctx, c.var.user, readId(c), await readJson(c, AddMemberSchema));
    return c.json({ proposal });
  });
  api.delete("/proposals/:id/members/:userId", async (c) =>
    c.json({ proposal: await members.removeMember(ctx, c.var.user, readId(c), readId(c, "userId")) }),
  );
  api.post("/proposals/:id/reviewers", async (c) => {
    const { userId } = await readJson(c, AddReviewerSchema);
    return c.json({ proposal: await members.addReviewer(ctx, c.var.user, readId(c), userId) });
  });
  api.delete("/proposals/:id/reviewers/:userId", async (c) =>
    c.json({ proposal: await members.removeReviewer(ctx, c.var.user, readId(c), readId(c, "userId")) }),
  );

  api.post("/proposals/:id/submit", async (c) =>
    c.json({ proposal: await service.submitProposal(ctx, c.var.user, readId(c)) }),
  );
  api.post("/proposals/:id/start-review", async (c) =>
    c.json({ proposal: await service.startReview(ctx, c.var.user, readId(c)) }),
  );
  api.post("/proposals/:id/return", async (c) => {
    const { reason } = await readJson(c, ReturnProposalSchema);
    return c.json({ proposal: await service.returnProposal(ctx, c.var.user, readId(c), reason) });
  });
  api.post("/proposals/:id/approve", async (c) =>
    c.json({ proposal: await service.approveProposal(ctx, c.var.user, readId(c)) }),
  );

  api.get("/proposals/:id/versions", async (c) =>
    c.json({ versions: await versions.listVersions(ctx, c.var.user, readId(c)) }),
  );
  api.post("/proposals/:id/versions", async (c) => {
    const { name } = await readJson(c, SaveVersionSchema);
    return c.json({ version: await versions.saveVersion(ctx, c.var.user, readId(c), name) }, 201);
  });
  api.get("/proposals/:id/versions/:versionId", async (c) =>
    c.json({ content: await versions.versionContent(ctx, c.var.user, readId(c), readId(c, "versionId")) }),
  );
  api.post("/proposals/:id/versions/:versionId/restore", async (c) =>
    c.json({ version: await versions.restoreVersion(ctx, c.var.user, readId(c), readId(c, "versionId")) }),
  );

  api.get("/proposals/:id/export", async (c) => {
    const { format, versionId } = readQuery(c, ExportQuerySchema);
    const { title, content } = await versions.contentFor(ctx, c.var.user, readId(c), versionId);
    const filename = encodeURIComponent(`${title}.${format}`);
    const disposition = `attachment; filename="proposal.${format}"; filename*=UTF-8''${filename}`;
    if (format === "md") {
      return c.body(toMarkdown(content, title), 200, {
        "content-type": "text/markdown; charset=utf-8",
        "content-disposition": disposition,
      });
    }
    // the Word library is loaded on the first export, not at every start (a tenth of a second)
    const { toDocx } = await import("./export.ts");
    const bytes = await toDocx(content, title);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "content-disposition": disposition,
    });
  });

  api.get("/proposals/:id/comments", async (c) =>
    c.json({ comments: await comments.listComments(ctx, c.var.user, readId(c)) }),
  );
  api.post("/proposals/:id/comments", async (c) => {
    const comment = await comments.addComment(ctx, c.var.user, readId(c), await readJson(c, CreateCommentSchema));
    return c.json({ comment }, 201);
  });
  api.post("/proposals/:id/comments/:commentId/resolve", async (c) => {
    const { resolved } = await readJson(c, ResolveCommentSchema);
    await comments.resolveComment(ctx, c.var.user, readId(c), readId(c, "commentId"), resolved);
    return c.json({ ok: true });
  });

  api.get("/proposals/:id/reviews", async (c) => c.json(await reviews.listReviews(ctx, c.var.user, readId(c))));
  api.post("/proposals/:id/reviews", async (c) => {
    const review = await reviews.submitReview(ctx, c.var.user, readId(c), await readJson(c, SubmitReviewSchema));
    return c.json({ review }, 201);
  });
}
