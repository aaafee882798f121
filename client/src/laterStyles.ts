/**
 * A page opened cold gets its HTML with antd's later stylesheet linked but `disabled`
 * (client/vite/firstLoads.ts): on a phone in a hall its 60 KB would otherwise share the network
 * with what the first screen needs. Once that screen has been painted, the link is enabled where it
 * stands, so the cascade's order is the same as on any other page.
 */
export function enableLaterStylesAfterPaint(): void {
  const links = document.querySelectorAll<HTMLLinkElement>("link[data-after-first-render][disabled]");
  if (links.length === 0) return;
  // the frame's callback runs before that frame is painted; the timeout after it
  requestAnimationFrame(() =>
    setTimeout(() => {
      for (const link of links) link.removeAttribute("disabled");
    }),
  );
}
