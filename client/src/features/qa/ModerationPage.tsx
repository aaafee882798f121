import { Link } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Card, Table, Tag } from "antd";
import type { QaAuditEntry, QaReport } from "../../../../shared/qa.ts";
import { qa } from "../../strings/qa.ts";
import { errorText, fullTime, ReasonButton } from "./parts.tsx";
import { qaApi } from "./queries.ts";
import { useDocumentTitle } from "../../documentTitle.ts";
import { shell } from "../../strings/shell.ts";

/** Admin: open reports (hide or restore with a reason) and the audit trail. */
export default function ModerationPage() {
  useDocumentTitle(shell.titles.qaModeration);
  const queryClient = useQueryClient();
  const reports = useQuery({
    queryKey: ["qa", "reports"],
    queryFn: ({ signal }) => qaApi.reports(signal).then((r) => r.reports),
  });
  const audit = useQuery({
    queryKey: ["qa", "audit"],
    queryFn: ({ signal }) => qaApi.audit(signal).then((r) => r.entries),
  });
  const t = qa.moderation;
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["qa", "reports"] });
    void queryClient.invalidateQueries({ queryKey: ["qa", "audit"] });
  };
  return (
    <div className="page">
      <p>
        <Link to="/qa">← {qa.back}</Link>
      </p>
      <h1 className="page-title">{t.title}</h1>
      <Card title={<h2 className="card-heading">{t.reports}</h2>} className="stack-gap">
        {reports.isError && <Alert type="error" showIcon message={errorText(reports.error)} />}
        <Table<QaReport>
          rowKey="id"
          size="small"
          loading={reports.isPending}
          dataSource={reports.data ?? []}
          locale={{ emptyText: t.noReports }}
          scroll={{ x: 640 }}
          columns={[
            { title: "", width: 70, render: (_v, r) => <Tag>{t.target[r.targetType]}</Tag> },
            {
              title: "内容",
              render: (_v, r) => <Link to={`/qa/questions/${r.questionId}`}>{r.excerpt || t.view}</Link>,
            },
            { title: t.reason, dataIndex: "reason" },
            { title: t.reporter, render: (_v, r) => r.reporter.displayName, width: 110 },
            {
              title: "",
              width: 90,
              render: (_v, r) => (
                <ReasonButton
                  label={r.hidden ? qa.question.restore : qa.question.hide}
                  title={r.hidden ? qa.question.restoreTitle : qa.question.hideTitle}
                  reasonLabel={qa.question.reason}
                  danger={!r.hidden}
                  onSubmit={async (reason) => {
                    await qaApi.moderate(
                      r.targetType === "question" ? "questions" : "answers",
                      r.targetId,
                      r.hidden ? "restore" : "hide",
                      reason,
                    );
                    refresh();
                  }}
                />
              ),
            },
          ]}
        />
      </Card>
      <Card title={<h2 className="card-heading">{t.audit}</h2>}>
        <Table<QaAuditEntry>
          rowKey="id"
          size="small"
          loading={audit.isPending}
          dataSource={audit.data ?? []}
          locale={{ emptyText: t.noAudit }}
          scroll={{ x: 640 }}
          columns={[
            { title: "时间", width: 150, render: (_v, e) => fullTime(e.createdAt) },
            {
              title: "操作",
              width: 80,
              render: (_v, e) => (
                <Tag color={e.action === "hide" ? "red" : e.action === "restore" ? "green" : "orange"}>
                  {t.action[e.action]}
                </Tag>
              ),
            },
            { title: "对象", width: 70, render: (_v, e) => t.target[e.targetType] },
            { title: t.reason, dataIndex: "reason" },
            { title: "操作人", width: 120, render: (_v, e) => e.actor.displayName },
          ]}
        />
      </Card>
    </div>
  );
}
