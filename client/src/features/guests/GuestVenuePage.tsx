import { useEffect, useState } from "react";
import { useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Radio, Spin } from "antd";
import { Result } from "../../components/LazyResult.tsx";
import type { GuestView, VenueInfo } from "../../../../shared/forums.ts";
import { api } from "../../api.ts";
import { guests as t } from "../../strings/guests.ts";
import { errorText, useAction } from "../../useAction.ts";
import { GuestRoom, GuestShell } from "./GuestRoom.tsx";

/*
 * Its own file, apart from the printed code's page: the groups to choose from are antd's radio
 * group, which brings antd's form engine (~12 KB on the wire) that a phone opening a printed code
 * would otherwise fetch before it could be used.
 */

const deviceTokenKey = (code: string) => `venue-device:${code}`;

/**
 * A device joins the venue's code: with the group it picked the first time, with the token it was
 * given (kept on the device) every time after, as the same voter.
 */
async function joinVenue(code: string, group?: string): Promise<GuestView> {
  const deviceToken = localStorage.getItem(deviceTokenKey(code)) ?? undefined;
  const res = await api<{ guest: GuestView; deviceToken: string }>(`/api/guest/venue/${code}`, {
    method: "POST",
    body: { group, deviceToken },
  });
  localStorage.setItem(deviceTokenKey(code), res.deviceToken);
  return res.guest;
}

/** `/v/:code`: the venue QR on the projector; a device picks its group once, then keeps its token. */
export function GuestVenuePage() {
  const { code = "" } = useParams();
  const [guest, setGuest] = useState<GuestView | null>(null);
  const [group, setGroup] = useState<string>();
  const info = useQuery({
    queryKey: ["guest", "venue", code],
    queryFn: () => api<{ venue: VenueInfo }>(`/api/guest/venue/${code}`),
  });
  const join = useAction({
    mutationFn: (chosen: string | undefined) => joinVenue(code, chosen),
    onSuccess: setGuest,
    // no toast: the failure shows under the groups (below) until the next try
    onError: () => {},
  });
  // a device that already chose comes back as the same voter
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per venue code: a device that chose before comes back as the same voter
  useEffect(() => {
    if (localStorage.getItem(deviceTokenKey(code))) join.mutate(undefined);
  }, [code]);
  if (guest) return <GuestRoom guest={guest} reopen={() => joinVenue(code)} />;
  const venue = info.data?.venue;
  return (
    <GuestShell title={venue?.forumTitle}>
      {info.isPending && <Spin />}
      {info.isError && <Result status="warning" title={t.codeFailed} subTitle={errorText(info.error)} />}
      {venue && venue.groups.length === 0 && <Alert type="info" showIcon title={t.noGroups} />}
      {venue && venue.groups.length > 0 && (
        <form
          className="guest-pick"
          onSubmit={(e) => {
            e.preventDefault();
            join.mutate(group);
          }}
        >
          <p>{t.pickGroup}</p>
          <Radio.Group value={group} onChange={(e) => setGroup(e.target.value)} className="guest-groups">
            {venue.groups.map((g) => (
              <Radio key={g.id} value={g.id} disabled={g.remaining === 0}>
                {g.name} <span className="muted small">{t.remaining(g.remaining)}</span>
              </Radio>
            ))}
          </Radio.Group>
          {join.error && <Alert type="error" showIcon title={errorText(join.error)} />}
          <Button type="primary" htmlType="submit" block size="large" disabled={!group} loading={join.isPending}>
            {t.join}
          </Button>
        </form>
      )}
    </GuestShell>
  );
}
