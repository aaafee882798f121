import type { StudioAccess } from "./policy.ts";
import type { AppContext } from "../context.ts";
import { CommitQueue } from "./commitQueue.ts";

const ACCESS_TTL_MS = 30_000;
const ACCESS_CACHE_MAX = 5000;

/**
 * What the studios feature keeps for one server: each studio's access, cached briefly (a membership
 * change forgets it on every process), and the group commit of studio messages.
 */
export class StudioState {
  private readonly access = new Map<string, { access: StudioAccess; at: number }>();
  readonly commits: CommitQueue;

  constructor(ctx: Pick<AppContext, "db" | "log">) {
    this.commits = new CommitQueue(ctx);
  }

  cachedAccess(studioId: string): StudioAccess | undefined {
    const cached = this.access.get(studioId);
    return cached && Date.now() - cached.at < ACCESS_TTL_MS ? cached.access : undefined;
  }

  keepAccess(access: StudioAccess): void {
    if (this.access.size > ACCESS_CACHE_MAX) this.access.clear();
    this.access.set(access.id, { access, at: Date.now() });
  }

  forgetAccess(studioId: string): void {
    this.access.delete(studioId);
  }

  clear(): void {
    this.access.clear();
  }
}

/** What the studios feature's services get: the server's context and the feature's own state. */
export interface StudiosContext extends AppContext {
  studios: StudioState;
}
