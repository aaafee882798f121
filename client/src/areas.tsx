import type { ReactNode } from "react";
import { CommentOutlined, FileTextOutlined, QuestionCircleOutlined, TeamOutlined } from "@ant-design/icons";
import { shell } from "./strings/shell.ts";

export type Area = { key: "forums" | "studios" | "proposals" | "qa"; path: string; title: string; description: string; icon: ReactNode };

/** The four areas of the programme, in the order the nav and the home page show them. */
export const AREAS: Area[] = [
  { key: "forums", path: "/forums", ...shell.areas.forums, icon: <CommentOutlined /> },
  { key: "studios", path: "/studios", ...shell.areas.studios, icon: <TeamOutlined /> },
  { key: "proposals", path: "/proposals", ...shell.areas.proposals, icon: <FileTextOutlined /> },
  { key: "qa", path: "/qa", ...shell.areas.qa, icon: <QuestionCircleOutlined /> },
];
