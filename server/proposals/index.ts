import { and, eq, lt, sql } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import type { Feature } from "../feature.ts";
import { notFound } from "../lib/errors.ts";
import type { DocKind } from "../yjs/docKinds.ts";
import { parseDocName } from "../yjs/docKinds.ts";
import { loadFor } from "./load.ts";
import { docAccess } from "./policy.ts";
import { proposalRoutes } from "./routes.ts";
import { proposals } from "./schema.ts";
import { seedProposals } from "./seed.ts";

const TOUCH_EVERY_MS = 10_000;

/** `/yjs/proposal:<id>`: owner and editors write while draft or returned; other members read. */
function docKinds(ctx: AppContext): DocKind[] {
  // When this process last touched each document's row: between two touches it asks nothing, so
  // a busy document costs one query per ten seconds instead of one per stored batch, which on the
  // embedded database would queue behind and ahead of the edits' own commits.
  const touchedAt = new Map<string, number>();
  return [
    {
      prefix: "proposal",
      async access(user, docName) {
        const id = parseDocName(docName)?.id;
        if (!id) throw notFound();
        const { row, role } = await loadFor(ctx.db, user, id);
        return docAccess(role, row.status);
      },
      // The list sorts by updated_at, so typing in the document counts as a change. Touching the
      // row at most every ten seconds keeps a busy document from writing it on every keystroke.
      async afterStore(docName) {
        const id = parseDocName(docName)?.id;
        if (!id) return;
        const now = Date.now();
        if (now - (touchedAt.get(docName) ?? 0) < TOUCH_EVERY_MS) return;
        touchedAt.set(docName, now);
        if (touchedAt.size > 1_000) {
          for (const [name, at] of touchedAt) if (now - at >= TOUCH_EVERY_MS) touchedAt.delete(name);
        }
        await ctx.db
          .update(proposals)
          .set({ updatedAt: new Date() })
          .where(and(eq(proposals.id, id), lt(proposals.updatedAt, sql`now() - interval '10 seconds'`)));
      },
    },
  ];
}

export const proposalsFeature: Feature = { name: "proposals", routes: proposalRoutes, docKinds, seed: seedProposals };
