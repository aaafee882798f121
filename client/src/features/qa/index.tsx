import { Navigate, Route, Routes } from "react-router";
import { RequireRole } from "../../auth.tsx";
import "./qa.css";
import AskPage from "./AskPage.tsx";
import BoardPage from "./BoardPage.tsx";
import EventsPage from "./EventsPage.tsx";
import LivePage from "./LivePage.tsx";
import ModerationPage from "./ModerationPage.tsx";
import { LeaderboardPage, ProfilePage } from "./PeoplePages.tsx";
import QuestionPage from "./QuestionPage.tsx";

/** 老书记问答, mounted at `/qa/*`: the board, questions, people, live events and moderation. */
export default function QaArea() {
  return (
    <Routes>
      <Route index element={<BoardPage />} />
      <Route path="ask" element={<AskPage />} />
      <Route path="questions/:id" element={<QuestionPage />} />
      <Route path="people/:id" element={<ProfilePage />} />
      <Route path="leaders" element={<LeaderboardPage />} />
      <Route path="events" element={<EventsPage />} />
      <Route path="events/:id" element={<LivePage />} />
      <Route
        path="moderation"
        element={
          <RequireRole roles={["admin", "organiser"]}>
            <ModerationPage />
          </RequireRole>
        }
      />
      <Route path="*" element={<Navigate to="/qa" replace />} />
    </Routes>
  );
}
