import { ComingSoon } from "../../components/ComingSoon.tsx";
import { shell } from "../../strings/shell.ts";

/**
 * The proposals area, mounted at `/proposals/*` (lazily, inside RequireAuth and the app layout).
 * Placeholder until the feature lands: replace this file with the area's own nested <Routes>.
 */
export default function ProposalsArea() {
  return <ComingSoon area={shell.areas.proposals.title} />;
}
