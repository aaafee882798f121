import type { UserRow } from "../auth/sessions.ts";

/** What a connection may do with a document: write edits, or only read them (and show presence). */
export type DocAccess = "write" | "read";

/**
 * A family of documents named `<prefix>:<id>`, owned by one feature (e.g. `proposal:<uuid>`).
 * `access` answers for one user; `null` refuses the connection (403). Throw `notFound()` for an
 * unknown id (404).
 */
export interface DocKind {
  prefix: string;
  access(user: UserRow, docName: string): Promise<DocAccess | null>;
  /**
   * Called after edits to one of these documents were stored, on the process that stored them.
   * It must not throw into the edit path: failures are logged and otherwise ignored.
   */
  afterStore?(docName: string): Promise<void>;
}

const DOC_NAME = /^([a-z][a-z0-9]*):([A-Za-z0-9_-]{1,64})$/;

export function parseDocName(docName: string): { prefix: string; id: string } | null {
  const match = DOC_NAME.exec(docName);
  return match ? { prefix: match[1]!, id: match[2]! } : null;
}
