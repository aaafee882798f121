import { Route, Routes } from "react-router";
import { NotFoundPage } from "../../pages/NotFoundPage.tsx";
import { ArchivePage } from "./ArchivePage.tsx";
import { BallotsPage } from "./BallotsPage.tsx";
import { CreateForumPage } from "./CreateForumPage.tsx";
import { ForumListPage } from "./ForumListPage.tsx";
import { ForumRoomPage } from "./ForumRoomPage.tsx";
import { ScreenPage } from "./ScreenPage.tsx";
import "./forums.css";

/** The forums area at `/forums/*`: list, create, live room, projector view, archive. */
export default function ForumsArea() {
  return (
    <Routes>
      <Route index element={<ForumListPage />} />
      <Route path="new" element={<CreateForumPage />} />
      <Route path=":id" element={<ForumRoomPage />} />
      <Route path=":id/screen" element={<ScreenPage />} />
      <Route path=":id/archive" element={<ArchivePage />} />
      <Route path=":id/ballots" element={<BallotsPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
