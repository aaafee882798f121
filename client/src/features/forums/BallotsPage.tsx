import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, InputNumber, Spin } from "antd";
import { PrinterOutlined } from "@ant-design/icons";
import QRCode from "qrcode";
import { type BallotCodesView, type Forum, groupName, PEER_GROUP } from "../../../../shared/forums.ts";
import { api } from "../../api.ts";
import { ballots as t } from "../../strings/ballots.ts";
import { errorText, useAction } from "../../useAction.ts";
import { useJoinLink } from "./joinLink.tsx";

function Qr({ url, size, label }: { url: string; size: number; label: string }) {
  const [src, setSrc] = useState<string>();
  useEffect(
    () => void QRCode.toDataURL(url, { margin: 1, width: size, errorCorrectionLevel: "M" }).then(setSrc),
    [url, size],
  );
  return src ? (
    <img src={src} width={size} height={size} alt={label} data-url={url} />
  ) : (
    <span style={{ width: size, height: size, display: "inline-block" }} />
  );
}

/**
 * `/forums/:id/ballots` (host): 现场评议 tools — printed single-use codes per group (printed with
 * the browser's 打印, one slip each) and the venue QR with a cap of voters per group.
 */
export function BallotsPage() {
  const { id = "" } = useParams();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const origin = new URL(useJoinLink(id).url).origin;
  const forum = useQuery({ queryKey: ["forums", id], queryFn: () => api<{ forum: Forum }>(`/api/forums/${id}`) });
  const view = useQuery({
    queryKey: ["forums", id, "ballots"],
    queryFn: () => api<BallotCodesView>(`/api/forums/${id}/ballot-codes`),
  });
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [caps, setCaps] = useState<Record<string, number> | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["forums", id, "ballots"] });
  // awaiting the refresh keeps the button loading until the new codes and caps are on screen
  const generate = useAction({
    mutationFn: (group: string) =>
      api(`/api/forums/${id}/ballot-codes`, { method: "POST", body: { group, count: counts[group] ?? 20 } }),
    onSuccess: async () => {
      message.success(t.generated);
      await refresh();
    },
  });
  const saveCaps = useAction({
    mutationFn: (caps: Record<string, number>) => api(`/api/forums/${id}/venue`, { method: "PUT", body: { caps } }),
    onSuccess: async () => {
      setCaps(null);
      message.success(t.capsSaved);
      await refresh();
    },
  });
  // one change at a time, as before: every button shows the pending one
  const busy = generate.isPending || saveCaps.isPending;
  if (forum.isPending || view.isPending)
    return (
      <div className="page">
        <Spin />
      </div>
    );
  if (forum.isError || view.isError)
    return (
      <div className="page">
        <Alert type="error" showIcon title={errorText(forum.error ?? view.error)} />
      </div>
    );
  const f = forum.data.forum;
  const { codes, venue } = view.data;
  const hallGroups = f.groups.filter((g) => g.id !== PEER_GROUP);
  const shownCaps = caps ?? venue.caps;
  const unused = codes.filter((c) => !c.used);

  return (
    <div className="page ballots-page">
      <div className="no-print">
        <h1 className="page-title">
          {t.title} · {f.title}
        </h1>
        <p>
          <Link to={`/forums/${id}`}>{t.back}</Link>
        </p>
        <Card title={t.printed} className="ballots-card">
          <p className="muted small">{t.printedHint}</p>
          {hallGroups.map((g) => (
            <div key={g.id} className="ballots-row">
              <span className="ballots-group">{g.name}</span>
              <span className="muted small">
                {t.codeCount(
                  codes.filter((c) => c.group === g.id).length,
                  codes.filter((c) => c.group === g.id && c.used).length,
                )}
              </span>
              <InputNumber
                min={1}
                max={500}
                value={counts[g.id] ?? 20}
                aria-label={t.howMany(g.name)}
                onChange={(v) => setCounts((c) => ({ ...c, [g.id]: v ?? 1 }))}
              />
              <Button onClick={() => generate.mutate(g.id)} loading={busy} disabled={f.status === "ended"}>
                {t.generate}
              </Button>
            </div>
          ))}
          <Button
            type="primary"
            icon={<PrinterOutlined />}
            onClick={() => window.print()}
            disabled={unused.length === 0}
            data-testid="print-ballots"
          >
            {t.print(unused.length)}
          </Button>
        </Card>
        <Card title={t.venue} className="ballots-card">
          <p className="muted small">{t.venueHint}</p>
          {hallGroups.map((g) => (
            <div key={g.id} className="ballots-row">
              <span className="ballots-group">{g.name}</span>
              <InputNumber
                min={0}
                max={5000}
                value={shownCaps[g.id] ?? 0}
                aria-label={t.capOf(g.name)}
                onChange={(v) => setCaps({ ...shownCaps, [g.id]: v ?? 0 })}
              />
              <span className="muted small">{t.taken(venue.taken[g.id] ?? 0)}</span>
            </div>
          ))}
          <Button
            type="primary"
            onClick={() => saveCaps.mutate(shownCaps)}
            loading={busy}
            disabled={f.status === "ended"}
          >
            {t.saveCaps}
          </Button>
          {venue.code && (
            <div className="venue-qr" data-testid="venue-qr">
              <Qr url={`${origin}/v/${venue.code}`} size={280} label={t.venueQr} />
              <p className="muted small">{`${origin}/v/${venue.code}`}</p>
            </div>
          )}
        </Card>
      </div>
      <section className="ballot-slips" aria-label={t.slips}>
        {unused.map((c) => (
          <div className="ballot-slip" key={c.id}>
            <Qr url={`${origin}/g/${c.code}`} size={120} label={`${t.slip} ${c.code}`} />
            <div>
              <strong>{f.title}</strong>
              <p>{groupName(f, c.group)}</p>
              <p className="ballot-code">{c.code}</p>
              <p className="small">{t.slipHint}</p>
            </div>
          </div>
        ))}
      </section>
    </div>
  );
}
