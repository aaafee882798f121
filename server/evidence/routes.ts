import type { Hono } from "hono";
import { ChangeLevelSchema, CreateNoteSchema, RecordQuerySchema } from "../../shared/growth.ts";
import type { AppContext } from "../context.ts";
import { type ApiEnv, readId, readJson, readQuery } from "../http/env.ts";
import { addNote, changeLevel } from "./levels.ts";
import { currentYear, loadRecord } from "./record.ts";
import { recordWorkbook } from "./recordXlsx.ts";

/** 成长档案: the record and its spreadsheet, level changes and assessment notes. */
export function evidenceRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/people/:id/record", async (c) => {
    const { year } = readQuery(c, RecordQuerySchema);
    return c.json(await loadRecord(ctx, c.var.user, readId(c), year ?? currentYear()));
  });
  api.get("/people/:id/record.xlsx", async (c) => {
    const { year } = readQuery(c, RecordQuerySchema);
    const record = await loadRecord(ctx, c.var.user, readId(c), year ?? currentYear());
    const file = await recordWorkbook(record);
    const name = `${record.user.displayName}-${record.year}年成长档案.xlsx`;
    return c.body(new Uint8Array(file), 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="growth-record-${record.year}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
  });
  api.post("/people/:id/level", async (c) => {
    const levelChange = await changeLevel(ctx, c.var.user, readId(c), await readJson(c, ChangeLevelSchema));
    return c.json({ levelChange }, 201);
  });
  api.post("/people/:id/notes", async (c) => {
    const note = await addNote(ctx, c.var.user, readId(c), await readJson(c, CreateNoteSchema));
    return c.json({ note }, 201);
  });
}
