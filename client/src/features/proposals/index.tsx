import { Route, Routes } from "react-router";
import { EditorPage } from "./EditorPage.tsx";
import { ListPage } from "./ListPage.tsx";
import "./proposals.css";

/** The proposals area (党建创新项目), mounted at `/proposals/*`. */
export default function ProposalsArea() {
  return (
    <Routes>
      <Route index element={<ListPage />} />
      <Route path=":id" element={<EditorPage />} />
    </Routes>
  );
}
