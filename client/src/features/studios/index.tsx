import { Route, Routes } from "react-router";
import { RequireRole, useCurrentUser } from "../../auth.tsx";
import { CreateStudioPage } from "./CreateStudioPage.tsx";
import { StudioListPage } from "./StudioListPage.tsx";
import { StudioRoomPage } from "./StudioRoomPage.tsx";
import { useStudioUnreadTitle } from "./useStudios.ts";
import "./studios.css";

/** 导师工作室 and 老书记帮带, mounted at `/studios/*`: the list, a studio's room, and the admin's create form. */
export default function StudiosArea() {
  const me = useCurrentUser();
  useStudioUnreadTitle(me.id);
  return (
    <Routes>
      <Route index element={<StudioListPage />} />
      <Route
        path="new"
        element={
          <RequireRole roles={["admin", "organiser", "street_admin"]}>
            <CreateStudioPage />
          </RequireRole>
        }
      />
      <Route path=":studioId" element={<StudioRoomPage />} />
    </Routes>
  );
}
