import type { z } from "zod";
import type { ErrorCode } from "../../shared/errors.ts";

/**
 * A failure the caller should see: REST renders it as `{error:{code,message}}` with `status`,
 * Socket.IO acknowledgements as `{ok:false,error:{code,message}}`. Anything else is an internal error.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  toBody() {
    return { error: { code: this.code, message: this.message } };
  }
}

export const invalidInput = (message = "请求内容不正确") => new AppError(400, "invalid_input", message);
export const unauthorized = (message = "请先登录") => new AppError(401, "unauthorized", message);
export const forbidden = (message = "没有权限") => new AppError(403, "forbidden", message);
export const notFound = (message = "找不到该内容") => new AppError(404, "not_found", message);
export const conflict = (message = "与现有内容冲突") => new AppError(409, "conflict", message);
export const tooLarge = (message = "内容过大") => new AppError(413, "too_large", message);
export const readOnly = (message = "当前为只读状态") => new AppError(403, "read_only", message);
/** Signed in with an initial or temporary password: REST, sockets and /yjs/ refuse everything else. */
export const passwordChangeRequired = () => new AppError(403, "password_change_required", "请先修改初始密码后再使用");
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError(429, "rate_limited", `操作过于频繁，请 ${retryAfterSeconds} 秒后再试`, retryAfterSeconds);

/** Turns a zod failure into a 400 naming the first bad field (or 413 when text is over its limit). */
export function fromZodError(error: z.ZodError): AppError {
  const issue = error.issues[0];
  const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  if (issue?.code === "too_big" && issue.origin === "string") {
    return tooLarge(`${where}${issue.message}`);
  }
  return invalidInput(`${where}${issue?.message ?? "请求内容不正确"}`);
}

/** Parses `input` with `schema` or throws the contract's 400/413. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}
