import { lazy, Suspense, type ComponentProps, type ComponentType } from "react";
import { forums as t } from "../../strings/forums.ts";

/*
 * The parts of the forum room that a person in the hall does not need before they can type a
 * question: the PDF viewer (pdf.js alone is ~100 KB on the wire), the host's and presenter's tools,
 * scoring, commitments and check-in. Each loads on first render, so a phone that scanned the QR
 * code fetches only the audience view first (`npm run build:check` holds the route to its budget).
 */

/** A lazily loaded component that renders `fallback` (nothing by default) until its code arrives. */
function later<P extends object>(load: () => Promise<ComponentType<P>>, fallback: React.ReactNode = null) {
  const Lazy = lazy(async () => ({ default: await load() }));
  // biome-ignore lint/correctness/noComponentHookFactories: called once per export at module load, never while rendering, so each component's identity is stable
  return function Later(props: P) {
    return (
      <Suspense fallback={fallback}>
        <Lazy {...(props as ComponentProps<typeof Lazy>)} />
      </Suspense>
    );
  };
}

export const PdfSlide = later(() => import("./PdfSlide.tsx").then((m) => m.PdfSlide), <div className="pdf-slide" />);
export const HostBar = later(() => import("./HostBar.tsx").then((m) => m.HostBar));
export const ModerationButton = later(() => import("./HostTools.tsx").then((m) => m.ModerationButton));
export const DeckUpload = later(() => import("./PresenterTools.tsx").then((m) => m.DeckUpload));
export const PresenterNotes = later(() => import("./PresenterTools.tsx").then((m) => m.PresenterNotes));
export const AgendaList = later(() => import("./AgendaEditor.tsx").then((m) => m.AgendaList));
export const PreviousCommitmentsCard = later(() => import("./Commitments.tsx").then((m) => m.PreviousCommitmentsCard));
export const RecordCommitmentButton = later(() => import("./Commitments.tsx").then((m) => m.RecordCommitmentButton));
// the scoring tab is the first a guest sees while a round is open: it says it is coming, never blank
export const ScorePanel = later(
  () => import("./ScorePanel.tsx").then((m) => m.ScorePanel),
  <p className="muted" role="status">
    {t.score.loading}
  </p>,
);
export const TalkTimer = later(() => import("./parts.tsx").then((m) => m.TalkTimer));
export const EventCheckinSection = later(() =>
  import("../trainings/EventCheckinSection.tsx").then((m) => m.EventCheckinSection),
);
