import { Navigate, Route, Routes } from "react-router";
import { useCurrentUser } from "../../auth.tsx";
import "./growth.css";
import RecordPage from "./RecordPage.tsx";

/** 成长档案, mounted at `/people/*`: `/people/:id/record`, and `/people/me/record` for one's own. */
export default function GrowthArea() {
  const user = useCurrentUser();
  return (
    <Routes>
      <Route path="me/record" element={<Navigate to={`/people/${user.id}/record`} replace />} />
      <Route path=":id/record" element={<RecordPage />} />
      <Route path="*" element={<Navigate to={`/people/${user.id}/record`} replace />} />
    </Routes>
  );
}
