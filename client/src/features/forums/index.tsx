import { ComingSoon } from "../../components/ComingSoon.tsx";
import { shell } from "../../strings/shell.ts";

/**
 * The forums area, mounted at `/forums/*` (lazily, inside RequireAuth and the app layout).
 * Placeholder until the feature lands: replace this file with the area's own nested <Routes>.
 */
export default function ForumsArea() {
  return <ComingSoon area={shell.areas.forums.title} />;
}
