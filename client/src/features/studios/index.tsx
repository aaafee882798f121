import { ComingSoon } from "../../components/ComingSoon.tsx";
import { shell } from "../../strings/shell.ts";

/**
 * The studios area, mounted at `/studios/*` (lazily, inside RequireAuth and the app layout).
 * Placeholder until the feature lands: replace this file with the area's own nested <Routes>.
 */
export default function StudiosArea() {
  return <ComingSoon area={shell.areas.studios.title} />;
}
