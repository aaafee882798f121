import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  List,
  Popconfirm,
  Space,
  Statistic,
  Table,
  Typography,
  Upload,
} from "antd";
import { DownloadOutlined, InboxOutlined } from "@ant-design/icons";
import type { RosterImportResult, UnknownCommunity } from "../../../../shared/roster.ts";
import { api, ApiError, apiUpload } from "../../api.ts";
import { ORG_QUERY_KEY } from "../../org.ts";
import { roster } from "../../strings/roster.ts";
import { useDocumentTitle } from "../../documentTitle.ts";

const t = roster.import;

function runImport(file: File, dryRun: boolean) {
  const form = new FormData();
  form.append("file", file, file.name);
  form.append("dryRun", String(dryRun));
  return apiUpload<RosterImportResult>("/api/users/import", form);
}

/** Organisers and street admins bring in the roster: choose a file, see the check, fix, import. */
export default function RosterImportPage() {
  useDocumentTitle(roster.nav.roster);
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [check, setCheck] = useState<RosterImportResult | null>(null);
  const [done, setDone] = useState<RosterImportResult | null>(null);
  const [passwordsTaken, setPasswordsTaken] = useState(false);

  const dryRun = useMutation({
    mutationFn: (f: File) => runImport(f, true),
    onSuccess: (result) => setCheck(result),
    onError: () => setCheck(null),
  });
  const realRun = useMutation({
    mutationFn: (f: File) => runImport(f, false),
    onSuccess: (result) => {
      if (result.applied) {
        setDone(result);
        void queryClient.invalidateQueries({ queryKey: ["users"] });
      } else setCheck(result);
    },
  });
  const createCommunity = useMutation({
    mutationFn: (c: UnknownCommunity) => api("/api/org/communities", { body: { streetId: c.streetId, name: c.name } }),
    onSuccess: (_data, c) => {
      void message.success(t.communityCreated(c.name));
      void queryClient.invalidateQueries({ queryKey: ORG_QUERY_KEY });
      if (file) dryRun.mutate(file);
    },
    onError: (err) => void message.error(err instanceof ApiError ? err.message : String(err)),
  });

  const choose = (f: File) => {
    setFile(f);
    setDone(null);
    setPasswordsTaken(false);
    dryRun.mutate(f);
    return false; // keep the file in the browser; we upload it ourselves
  };
  const reset = () => {
    setFile(null);
    setCheck(null);
    setDone(null);
  };

  const failure = dryRun.error ?? realRun.error;
  const result = done ?? check;

  return (
    <div className="page roster-page">
      <Typography.Title level={2}>{t.title}</Typography.Title>
      <Typography.Paragraph type="secondary">{t.intro}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Button icon={<DownloadOutlined />} href="/api/users/import/template.xlsx">
          {t.template}
        </Button>
        <Button icon={<DownloadOutlined />} href="/api/users/export.xlsx">
          {t.export}
        </Button>
      </Space>

      {!done && (
        <Upload.Dragger
          accept=".xlsx,.csv"
          maxCount={1}
          showUploadList={false}
          beforeUpload={choose}
          disabled={dryRun.isPending || realRun.isPending}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined aria-hidden />
          </p>
          <p className="ant-upload-text">{file ? t.checked(file.name) : t.pick}</p>
          <p className="ant-upload-hint">{t.pickHint}</p>
        </Upload.Dragger>
      )}

      {dryRun.isPending && <Alert style={{ marginTop: 16 }} type="info" showIcon message={t.checking} />}
      {failure && (
        <Alert
          style={{ marginTop: 16 }}
          type="error"
          showIcon
          message={failure instanceof ApiError ? failure.message : String(failure)}
        />
      )}

      {result && !dryRun.isPending && (
        <Card style={{ marginTop: 16 }}>
          <Space size="large" wrap>
            <Statistic title={done ? t.createdDone : t.created} value={result.created} />
            <Statistic title={done ? t.updatedDone : t.updated} value={result.updated} />
            <Statistic title={t.unchanged} value={result.unchanged} />
          </Space>

          {result.errors.length > 0 && (
            <>
              <Alert
                style={{ margin: "16px 0" }}
                type="warning"
                showIcon
                message={t.errorsTitle(result.errors.length)}
              />
              <Table
                size="small"
                rowKey={(e) => `${e.row}-${e.column}-${e.message}`}
                dataSource={result.errors}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[
                  { title: t.errorColumns.row, dataIndex: "row", width: 70 },
                  { title: t.errorColumns.column, dataIndex: "column", width: 100 },
                  { title: t.errorColumns.message, dataIndex: "message" },
                ]}
              />
            </>
          )}

          {result.unknownCommunities.length > 0 && (
            <>
              <Typography.Title level={4} style={{ marginTop: 16 }}>
                {t.unknownTitle}
              </Typography.Title>
              <Typography.Paragraph type="secondary">{t.unknownHint}</Typography.Paragraph>
              <List
                bordered
                dataSource={result.unknownCommunities}
                renderItem={(c) => (
                  <List.Item
                    actions={[
                      c.streetId ? (
                        <Button
                          key="create"
                          type="primary"
                          size="small"
                          loading={createCommunity.isPending && createCommunity.variables === c}
                          onClick={() => createCommunity.mutate(c)}
                        >
                          {t.createCommunity}
                        </Button>
                      ) : (
                        <span key="none" className="muted">
                          {t.noStreet}
                        </span>
                      ),
                    ]}
                  >
                    {c.streetName ? `${c.streetName} · ` : ""}
                    {c.name}
                  </List.Item>
                )}
              />
            </>
          )}

          {!done && result.errors.length === 0 && file && (
            <div style={{ marginTop: 16 }}>
              {result.created + result.updated === 0 ? (
                <Alert type="success" showIcon message={t.noChanges} />
              ) : (
                <Popconfirm title={t.runConfirm(result.created, result.updated)} onConfirm={() => realRun.mutate(file)}>
                  <Button type="primary" size="large" loading={realRun.isPending}>
                    {t.run}
                  </Button>
                </Popconfirm>
              )}
            </div>
          )}

          {done && (
            <Space direction="vertical" style={{ marginTop: 16, width: "100%" }}>
              <Alert type="success" showIcon message={t.done} />
              {done.passwordsUrl && (
                <>
                  <Alert type="warning" showIcon message={t.passwordsHint} />
                  {passwordsTaken ? (
                    <Typography.Text type="secondary">{t.passwordsTaken}</Typography.Text>
                  ) : (
                    <Button
                      type="primary"
                      icon={<DownloadOutlined />}
                      href={done.passwordsUrl}
                      onClick={() => setTimeout(() => setPasswordsTaken(true), 500)}
                    >
                      {t.passwords}
                    </Button>
                  )}
                </>
              )}
              <Button onClick={reset}>{t.again}</Button>
            </Space>
          )}
        </Card>
      )}
    </div>
  );
}
