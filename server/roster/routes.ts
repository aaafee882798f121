import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DryRunFieldSchema, ROSTER_LIMITS } from "../../shared/roster.ts";
import type { AppContext } from "../context.ts";
import type { ApiContext, ApiEnv } from "../http/env.ts";
import { invalidInput, notFound, parseWith, tooLarge } from "../lib/errors.ts";
import { peopleScope } from "../org/policy.ts";
import { exportRoster, importRoster, type PasswordHandover, takePasswordSheet } from "./service.ts";
import { templateWorkbook, XLSX_TYPE } from "./write.ts";

function xlsx(c: ApiContext, bytes: Uint8Array, fileName: string) {
  c.header("Content-Type", XLSX_TYPE);
  c.header("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  c.header("Cache-Control", "no-store");
  return c.body(bytes as Uint8Array<ArrayBuffer>);
}

/** The file and the dry-run flag of a roster upload (multipart: `file`, `dryRun`). */
async function readUpload(c: ApiContext) {
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody();
  } catch {
    throw invalidInput("请以表单方式上传名册文件（multipart/form-data）");
  }
  const file = form.file;
  if (!(file instanceof File)) throw invalidInput("请选择要导入的名册文件（表单字段 file）");
  if (file.size > ROSTER_LIMITS.maxBytes) throw tooLarge("名册文件不能超过 5 MB");
  const dryRun =
    parseWith(DryRunFieldSchema.default("true"), typeof form.dryRun === "string" ? form.dryRun : undefined) === "true";
  return { file: { name: file.name.slice(0, 200), bytes: new Uint8Array(await file.arrayBuffer()) }, dryRun };
}

export function rosterRoutes(handover: PasswordHandover) {
  return (api: Hono<ApiEnv>, ctx: AppContext): void => {
    api.post(
      "/users/import",
      // the file limit plus room for the form's own boundaries and fields
      bodyLimit({
        maxSize: ROSTER_LIMITS.maxBytes + 64 * 1024,
        onError: () => {
          throw tooLarge("名册文件不能超过 5 MB");
        },
      }),
      async (c) => {
        peopleScope(c.var.user);
        const { file, dryRun } = await readUpload(c);
        return c.json(await importRoster(ctx, c.var.user, file, dryRun, handover));
      },
    );

    api.get("/users/import/template.xlsx", async (c) => {
      peopleScope(c.var.user);
      return xlsx(c, await templateWorkbook(), "人员名册导入模板.xlsx");
    });

    api.get("/users/import/passwords/:token", async (c) => {
      peopleScope(c.var.user);
      const token = c.req.param("token");
      if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) throw notFound("下载链接无效");
      const sheet = await takePasswordSheet(ctx.db, c.var.user, handover, token);
      if (!sheet) throw notFound("初始密码只能下载一次，该链接已失效");
      return xlsx(c, sheet, "初始密码.xlsx");
    });

    api.get("/users/export.xlsx", async (c) => xlsx(c, await exportRoster(ctx.db, c.var.user), "人员名册.xlsx"));
  };
}
