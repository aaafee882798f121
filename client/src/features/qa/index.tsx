import { ComingSoon } from "../../components/ComingSoon.tsx";
import { shell } from "../../strings/shell.ts";

/**
 * The qa area, mounted at `/qa/*` (lazily, inside RequireAuth and the app layout).
 * Placeholder until the feature lands: replace this file with the area's own nested <Routes>.
 */
export default function QaArea() {
  return <ComingSoon area={shell.areas.qa.title} />;
}
