import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { Button, Result, Spin } from "antd";
import { ApiError } from "../../api.ts";
import { tr } from "../../strings/trainings.ts";
import { trainingsApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

type State =
  | { phase: "working" }
  | { phase: "done"; title: string; hours: number | null; repeat: boolean }
  | { phase: "failed"; message: string };

/**
 * Where the QR code leads. The sign-in guard has already sent a signed-out visitor to the login
 * page and back here (the code stays valid for the grace period), so this page only checks in.
 */
export default function CheckinPage() {
  useDocumentTitle(shell.titles.checkin);
  const [params] = useSearchParams();
  const code = params.get("c") ?? "";
  const [state, setState] = useState<State>({ phase: "working" });
  const started = useRef<string | null>(null);

  const run = async () => {
    if (!code) return setState({ phase: "failed", message: tr.checkin.missingCode });
    setState({ phase: "working" });
    try {
      const res = await trainingsApi.checkIn(code);
      setState({ phase: "done", title: res.activity.title, hours: res.activity.hours, repeat: !res.created });
    } catch (err) {
      setState({ phase: "failed", message: err instanceof ApiError ? err.message : tr.loadFailed });
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: a check-in code is redeemed once, when it is opened
  useEffect(() => {
    // once per code, even when React runs effects twice in development
    if (started.current === code) return;
    started.current = code;
    void run();
  }, [code]);

  const c = tr.checkin;
  if (state.phase === "working") return <Result icon={<Spin size="large" />} title={c.working} />;
  if (state.phase === "failed")
    return (
      <Result
        status="error"
        title={c.failed}
        subTitle={state.message}
        extra={[
          <Button key="retry" onClick={run}>
            {c.retry}
          </Button>,
          <Link key="plan" to="/trainings">
            {c.toPlan}
          </Link>,
        ]}
      />
    );
  return (
    <Result
      status="success"
      title={state.repeat ? c.already : c.done}
      subTitle={`${state.title}${state.hours !== null ? ` · ${tr.hours(state.hours)}` : ""}`}
      extra={<Link to="/trainings">{c.toPlan}</Link>}
    />
  );
}
