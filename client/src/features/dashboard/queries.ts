import type { Dashboard, DashboardTable } from "../../../../shared/dashboard.ts";
import { api } from "../../api.ts";

export interface DashboardScope {
  year: number;
  /** undefined: the whole district (organisers only) */
  streetId?: string;
}

const params = ({ year, streetId }: DashboardScope) => {
  const p = new URLSearchParams({ year: String(year) });
  if (streetId) p.set("streetId", streetId);
  return p;
};

export const dashboardApi = {
  get: (scope: DashboardScope, signal?: AbortSignal) =>
    api<{ dashboard: Dashboard }>(`/api/dashboard?${params(scope)}`, { signal }).then((r) => r.dashboard),
  exportUrl: (table: DashboardTable, scope: DashboardScope) => `/api/dashboard/${table}.xlsx?${params(scope)}`,
};
