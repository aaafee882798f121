import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { PageSpin } from "../../components/PageSpin.tsx";
import { lazyPage } from "../../lazyPage.ts";
import { openedOnRoom } from "../../layout/headerTools.ts";
import "./forums.css";

// Each page is its own chunk: a phone that scanned the QR code for the room loads the room only,
// not the list, the projector view or the ballot printing.
const ForumListPage = lazy(() => import("./ForumListPage.tsx").then((m) => ({ default: m.ForumListPage })));
const CreateForumPage = lazy(() => import("./CreateForumPage.tsx").then((m) => ({ default: m.CreateForumPage })));
const ForumRoomPage = lazyPage(
  () => import("./ForumRoomPage.tsx"),
  (m) => m.ForumRoomPage,
);
/** Opened from a room's QR code: the room's code, which the first render waits for (App.tsx). */
export const openedPageLoaded: Promise<unknown> = openedOnRoom ? ForumRoomPage.preload() : Promise.resolve();
const ScreenPage = lazy(() => import("./ScreenPage.tsx").then((m) => ({ default: m.ScreenPage })));
const ArchivePage = lazy(() => import("./ArchivePage.tsx").then((m) => ({ default: m.ArchivePage })));
const BallotsPage = lazy(() => import("./BallotsPage.tsx").then((m) => ({ default: m.BallotsPage })));
const NotFoundPage = lazy(() => import("../../pages/NotFoundPage.tsx").then((m) => ({ default: m.NotFoundPage })));

/** The forums area at `/forums/*`: list, create, live room, projector view, archive. */
export default function ForumsArea() {
  return (
    <Suspense fallback={<PageSpin />}>
      <Routes>
        <Route index element={<ForumListPage />} />
        <Route path="new" element={<CreateForumPage />} />
        <Route path=":id" element={<ForumRoomPage />} />
        <Route path=":id/screen" element={<ScreenPage />} />
        <Route path=":id/archive" element={<ArchivePage />} />
        <Route path=":id/ballots" element={<BallotsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Suspense>
  );
}
