import type { Hono } from "hono";
import type { Dashboard } from "../../shared/dashboard.ts";
import { DashboardQuerySchema, TableFileSchema } from "../../shared/dashboardQuery.ts";
import type { AppContext } from "../context.ts";
import { type ApiContext, type ApiEnv, readQuery } from "../http/env.ts";
import { notFound, parseWith } from "../lib/errors.ts";
import { dashboardScope } from "./policy.ts";
import { getDashboard } from "./service.ts";
import { dashboardWorkbook, exportFileName } from "./xlsx.ts";

/** The scope is checked before anything is read: a refused viewer costs no query. */
async function readDashboard(ctx: AppContext, c: ApiContext): Promise<{ dashboard: Dashboard; scopeName: string }> {
  const query = readQuery(c, DashboardQuerySchema);
  const streetId = dashboardScope(c.var.user, query.streetId);
  const dashboard = await getDashboard(ctx, { year: query.year, streetId });
  if (streetId && dashboard.streets.length === 0) throw notFound("找不到该街道");
  return { dashboard, scopeName: streetId ? dashboard.streets[0]!.streetName : "全区" };
}

export function dashboardRoutes(api: Hono<ApiEnv>, ctx: AppContext): void {
  api.get("/dashboard", async (c) => c.json({ dashboard: (await readDashboard(ctx, c)).dashboard }));
  api.get("/dashboard/:file", async (c) => {
    const table = parseWith(TableFileSchema, c.req.param("file"));
    const { dashboard, scopeName } = await readDashboard(ctx, c);
    const file = await dashboardWorkbook(dashboard, table, scopeName);
    return c.body(new Uint8Array(file), 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="dashboard-${table}-${dashboard.year}.xlsx"; filename*=UTF-8''${encodeURIComponent(exportFileName(dashboard, table, scopeName))}`,
    });
  });
}
