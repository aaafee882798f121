import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Community, Street } from "../../shared/auth.ts";
import { api } from "./api.ts";

export const ORG_QUERY_KEY = ["org"] as const;

/** The district's streets and their communities (`GET /api/org`); changes rarely, cached long. */
export function useOrg() {
  return useQuery({
    queryKey: ORG_QUERY_KEY,
    queryFn: ({ signal }) => api<{ streets: Street[] }>("/api/org", { signal }).then((r) => r.streets),
    staleTime: 10 * 60_000,
  });
}

export type CommunityInfo = Community & { streetName: string };

/** Community id → community with its street's name, for showing "公园街道 · 某某社区". */
export function useCommunityIndex(): Map<string, CommunityInfo> {
  const { data: streets } = useOrg();
  return useMemo(() => {
    const index = new Map<string, CommunityInfo>();
    for (const street of streets ?? []) {
      for (const community of street.communities) index.set(community.id, { ...community, streetName: street.name });
    }
    return index;
  }, [streets]);
}
