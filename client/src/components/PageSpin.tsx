import { Spin } from "antd";
import { shell } from "../strings/shell.ts";

/** Centered spinner for a page or route chunk that is still loading. */
export function PageSpin() {
  return (
    <div className="page-center" role="status" aria-live="polite">
      <Spin size="large" />
      <span className="visually-hidden">{shell.common.loading}</span>
    </div>
  );
}
