import { Tag } from "antd";
import { PROPOSAL_STATUS_LABELS, type ProposalStatus } from "../../../../shared/proposals.ts";

const COLORS: Record<ProposalStatus, string> = {
  draft: "default",
  submitted: "processing",
  in_review: "purple",
  returned: "warning",
  approved: "success",
};

export function StatusTag({ status }: { status: ProposalStatus }) {
  return <Tag color={COLORS[status]}>{PROPOSAL_STATUS_LABELS[status]}</Tag>;
}
