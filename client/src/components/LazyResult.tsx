import { lazy, Suspense } from "react";
import type { ResultProps } from "antd";

// antd's Result carries its 403/404/500 illustrations (~8 KB on the wire) whichever status is shown;
// it is only ever needed when something went wrong, so it loads then.
const AntResult = lazy(() => import("antd/es/result/index.js"));

/** antd's Result, loaded on first use: for error and end states, never on a page's first paint. */
export function Result(props: ResultProps) {
  return (
    <Suspense fallback={<h2 className="muted">{typeof props.title === "string" ? props.title : null}</h2>}>
      <AntResult {...props} />
    </Suspense>
  );
}
