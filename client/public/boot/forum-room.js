// A forum's room opened cold (its QR code, /forums/:id) asks for the room's state as soon as this
// small file arrives, beside the app's scripts: the page's first render then has the room without
// waiting for the realtime connection and its join, half a second later on a phone in a hall. The
// app takes the answer over (client/src/features/forums/earlyJoin.ts) and still joins for the
// pushes. Linked only from that page's HTML (vite.config.ts), a plain script needing nothing else.
(() => {
  // the room's path as the app's router has it (vite.config.ts, FIRST_LOADS)
  const match = /^\/forums\/([^/]+)$/.exec(window.location.pathname);
  if (!match || match[1] === "new") return;
  const forumId = match[1];
  const answer = fetch(`/api/forums/${encodeURIComponent(forumId)}/room`, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  })
    .then((response) => (response.ok ? response.json() : null))
    // signed out, a forum gone, a lost network: the app joins as it would without this
    .catch(() => null);
  window.earlyRoom = { forumId, answer };
})();
