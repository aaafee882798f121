import type { ReactNode } from "react";
import {
  CalendarOutlined,
  CommentOutlined,
  FileTextOutlined,
  QuestionCircleOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import { shell } from "./strings/shell.ts";

export type Area = {
  key: "forums" | "studios" | "proposals" | "qa" | "trainings";
  path: string;
  title: string;
  description: string;
  icon: ReactNode;
};

/** The areas of the programme, in the order the nav and the home page show them. */
export const AREAS: Area[] = [
  { key: "forums", path: "/forums", ...shell.areas.forums, icon: <CommentOutlined /> },
  { key: "studios", path: "/studios", ...shell.areas.studios, icon: <TeamOutlined /> },
  { key: "proposals", path: "/proposals", ...shell.areas.proposals, icon: <FileTextOutlined /> },
  { key: "qa", path: "/qa", ...shell.areas.qa, icon: <QuestionCircleOutlined /> },
  { key: "trainings", path: "/trainings", ...shell.areas.trainings, icon: <CalendarOutlined /> },
];
