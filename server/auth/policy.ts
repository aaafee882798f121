import { forbidden } from "../lib/errors.ts";
import type { UserRow } from "./sessions.ts";

/** Account-level permissions, shared by REST routes and socket handlers. */
export const isAdmin = (user: Pick<UserRow, "role">) => user.role === "admin";

export function requireAdmin(user: Pick<UserRow, "role">): void {
  if (!isAdmin(user)) throw forbidden("仅管理员可以执行此操作");
}
