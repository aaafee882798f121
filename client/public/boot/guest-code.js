// A printed ballot code's page (/g/:code) asks for its guest session as soon as this small file
// arrives, rather than once the app's scripts have arrived and run: seconds earlier on a phone in a
// hall; and once the code has opened the session, for the guest's room, so that the app's first
// render need not wait for the realtime connection and its join. The app takes both answers over
// (client/src/features/guests/guestCode.ts). Linked only from that page's HTML (vite.config.ts), a
// plain script so that it needs nothing else to run.
(() => {
  // only what looks like a code, as the app's own check (client/src/App.tsx)
  const match = /^\/g\/([A-Za-z0-9]{4,20})$/.exec(window.location.pathname);
  if (!match) return;
  // async, so on a slow phone the app may have run first: it marks the property when it takes the
  // page over (guestCode.ts) and has asked for the session itself; asking again would redeem twice
  if ("earlyGuestCode" in window) return;
  const answer = fetch("/api/guest/code", {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify({ code: match[1] }),
    credentials: "same-origin",
  });
  // the app reads the failure itself; until it does, a lost network is not an unhandled rejection
  answer.catch(() => {});
  // the session's cookie is set once the answer's headers are here: the room can be asked for then
  const room = answer
    .then((response) =>
      response.ok
        ? fetch("/api/guest/room", { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
            (response) => (response.ok ? response.json() : null),
          )
        : null,
    )
    // a refused code, a lost network: the app joins as it would without this
    .catch(() => null);
  window.earlyGuestCode = { code: match[1], answer, room };
})();
