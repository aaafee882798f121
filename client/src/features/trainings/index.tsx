import { Navigate, Route, Routes } from "react-router";
import "./trainings.css";
import CalendarPage from "./CalendarPage.tsx";
import CheckinPage from "./CheckinPage.tsx";
import CreateTrainingPage from "./CreateTrainingPage.tsx";
import LedgerPage from "./LedgerPage.tsx";
import PlanPage from "./PlanPage.tsx";
import TrainingPage from "./TrainingPage.tsx";

/** 培训, mounted at `/trainings/*`: the yearly plan, check-in, the ledger and the calendar. */
export default function TrainingsArea() {
  return (
    <Routes>
      <Route index element={<PlanPage />} />
      <Route path="new" element={<CreateTrainingPage />} />
      <Route path="checkin" element={<CheckinPage />} />
      <Route path="ledger" element={<LedgerPage />} />
      <Route path="calendar" element={<CalendarPage />} />
      <Route path=":id" element={<TrainingPage />} />
      <Route path="*" element={<Navigate to="/trainings" replace />} />
    </Routes>
  );
}
