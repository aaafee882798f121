import { useEffect, useState } from "react";
import { useParams } from "react-router";
import { Button, Spin } from "antd";
import { Result } from "../../components/LazyResult.tsx";
import type { GuestView } from "../../../../shared/forums.ts";
import { earlyGuest, openGuestCode, redeemGuestCode } from "./guestCode.ts";
import { guests as t } from "../../strings/guests.ts";
import { errorText } from "../../useAction.ts";
import { GuestRoom, GuestShell } from "./GuestRoom.tsx";

/** `/g/:code`: a printed ballot code opens a guest session for its forum. */
export function GuestCodePage() {
  const { code = "" } = useParams();
  // opened at boot already (guestCode.ts): the first render shows the room
  const [guest, setGuest] = useState<GuestView | null>(() => earlyGuest(code) ?? null);
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    setError(null);
    try {
      setGuest(await openGuestCode(code));
    } catch (err) {
      setError(errorText(err));
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: a code is redeemed once, when it is opened
  useEffect(() => {
    if (!guest) void open();
  }, [code]);
  if (guest) return <GuestRoom guest={guest} reopen={() => redeemGuestCode(code)} />;
  return (
    <GuestShell>
      {error ? (
        <Result
          status="warning"
          title={t.codeFailed}
          subTitle={error}
          extra={<Button onClick={() => void open()}>{t.retry}</Button>}
        />
      ) : (
        <Spin tip={t.opening}>
          <div className="guest-spin" />
        </Spin>
      )}
    </GuestShell>
  );
}
