import { z } from "zod";
import { DASHBOARD_TABLES } from "./dashboard.ts";

// The dashboard's query schemas, apart from shared/dashboard.ts so the page's chunk stays free of zod.
/** `GET /api/dashboard?year=&streetId=`: one year, the whole district or one street. */
export const DashboardQuerySchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  streetId: z.string().min(1).max(40).optional(),
});

/** `GET /api/dashboard/:file`: one table as a spreadsheet, named `<table>.xlsx`. */
export const TableFileSchema = z
  .string()
  .regex(/^[a-z]+\.xlsx$/)
  .transform((file) => file.slice(0, -".xlsx".length))
  .pipe(z.enum(DASHBOARD_TABLES));
