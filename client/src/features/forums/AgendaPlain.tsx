import type { ReactNode } from "react";
import type { Forum, Talk } from "../../../../shared/forums.ts";

/** One talk's line in the agenda: title, presenter and planned minutes. */
export function AgendaTitle({ talk }: { talk: Talk }) {
  return (
    <span className="agenda-title">
      {talk.title} — {talk.presenterName}
      {talk.plannedMinutes ? <span className="muted"> · {talk.plannedMinutes} 分钟</span> : null}
    </span>
  );
}

/**
 * The agenda as the hall sees it. No tools, so a phone in the audience fetches none of the
 * editor's code (forms, selects, uploads and their schemas: about 110 KB on the wire), which
 * would otherwise compete with the slides for a slow network.
 */
export function AgendaPlainList({ forum, tools }: { forum: Forum; tools?: (talk: Talk, index: number) => ReactNode }) {
  return (
    <ol className="agenda-list" data-testid="agenda">
      {forum.talks.map((talk, index) => (
        <li key={talk.id} className={talk.id === forum.currentTalkId ? "agenda-current" : undefined}>
          <AgendaTitle talk={talk} />
          {tools?.(talk, index)}
        </li>
      ))}
    </ol>
  );
}
