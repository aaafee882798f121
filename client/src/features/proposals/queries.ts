import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type {
  PmNode,
  Proposal,
  ProposalComment,
  ProposalDetail,
  ProposalReview,
  ProposalStatus,
  ProposalVersion,
  ReviewAggregate,
} from "../../../../shared/proposals.ts";
import { api, ApiError } from "../../api.ts";
import { getSocket } from "../../socket.ts";

export const keys = {
  list: (filters: object) => ["proposals", "list", filters] as const,
  detail: (id: string) => ["proposals", id] as const,
  versions: (id: string) => ["proposals", id, "versions"] as const,
  comments: (id: string) => ["proposals", id, "comments"] as const,
  reviews: (id: string) => ["proposals", id, "reviews"] as const,
};

export function useProposals(filters: { communityId?: string; status?: ProposalStatus }) {
  const qs = new URLSearchParams();
  if (filters.communityId) qs.set("communityId", filters.communityId);
  if (filters.status) qs.set("status", filters.status);
  return useQuery({
    queryKey: keys.list(filters),
    queryFn: ({ signal }) =>
      api<{ proposals: Proposal[] }>(`/api/proposals?${qs}`, { signal }).then((r) => r.proposals),
  });
}

/**
 * Changes made by others (submit, return, a comment, a score) arrive as `proposal:changed` pushes
 * and refetch just that part; after a reconnect everything is refetched, as pushes may have been missed.
 */
export function useProposalPush(id: string) {
  const qc = useQueryClient();
  useEffect(() => {
    const socket = getSocket();
    const onChanged = ({ proposalId, what }: { proposalId: string; what: string }) => {
      if (proposalId !== id) return;
      const key = {
        status: keys.detail(id),
        members: keys.detail(id),
        versions: keys.versions(id),
        comments: keys.comments(id),
        reviews: keys.reviews(id),
      }[what];
      void qc.invalidateQueries({ queryKey: key ?? keys.detail(id), exact: !!key });
      // A submission also makes a version, and a return or approval changes what the reviews show.
      if (what === "status") {
        void qc.invalidateQueries({ queryKey: keys.versions(id) });
        void qc.invalidateQueries({ queryKey: keys.reviews(id) });
      }
    };
    const onReconnect = () => void qc.invalidateQueries({ queryKey: keys.detail(id) });
    socket.on("proposal:changed", onChanged);
    socket.on("connect", onReconnect);
    return () => {
      socket.off("proposal:changed", onChanged);
      socket.off("connect", onReconnect);
    };
  }, [id, qc]);
}

/** A failure worth asking again about: no answer at all, or the server having a bad moment. */
function isTransient(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500);
}

/**
 * The proposal; pushes keep it fresh, and a slow poll covers admins who are not members. Through
 * an outage the poll keeps asking (with quick retries each time) while the page shows the last
 * answer; the editor page never trades what it shows for the error.
 */
export function useProposal(id: string) {
  return useQuery({
    queryKey: keys.detail(id),
    queryFn: ({ signal }) =>
      api<{ proposal: ProposalDetail }>(`/api/proposals/${id}`, { signal }).then((r) => r.proposal),
    refetchInterval: 15_000,
    retry: (count, error) => isTransient(error) && count < 3,
  });
}

export function useVersions(id: string) {
  return useQuery({
    queryKey: keys.versions(id),
    queryFn: ({ signal }) =>
      api<{ versions: ProposalVersion[] }>(`/api/proposals/${id}/versions`, { signal }).then((r) => r.versions),
  });
}

export function useVersionContent(id: string, versionId: string | null) {
  return useQuery({
    queryKey: ["proposals", id, "version", versionId],
    enabled: !!versionId,
    queryFn: ({ signal }) =>
      api<{ content: PmNode }>(`/api/proposals/${id}/versions/${versionId}`, { signal }).then((r) => r.content),
  });
}

export function useComments(id: string) {
  return useQuery({
    queryKey: keys.comments(id),
    queryFn: ({ signal }) =>
      api<{ comments: ProposalComment[] }>(`/api/proposals/${id}/comments`, { signal }).then((r) => r.comments),
    refetchInterval: 30_000,
  });
}

export function useReviews(id: string) {
  return useQuery({
    queryKey: keys.reviews(id),
    queryFn: ({ signal }) =>
      api<{ reviews: ProposalReview[]; aggregates: ReviewAggregate[] }>(`/api/proposals/${id}/reviews`, { signal }),
  });
}

/** POST helper that refreshes the proposal's queries afterwards. */
export function useProposalAction<TBody, TResult = unknown>(
  id: string,
  path: string | ((body: TBody) => string),
  method: "POST" | "DELETE" = "POST",
) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TBody) =>
      api<TResult>(`/api/proposals/${id}${typeof path === "function" ? path(body) : path}`, {
        method,
        body: method === "POST" ? (body ?? {}) : undefined,
      }),
    onSuccess: (result) => {
      const proposal = (result as { proposal?: ProposalDetail })?.proposal;
      if (proposal) qc.setQueryData(keys.detail(id), proposal);
      void qc.invalidateQueries({ queryKey: ["proposals", id] });
      void qc.invalidateQueries({ queryKey: ["proposals", "list"] });
    },
  });
}
