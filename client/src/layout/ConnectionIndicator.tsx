import { useConnectionState } from "../socket.ts";
import { shell } from "../strings/shell.ts";

/**
 * Dot + text for the realtime connection. The text is announced politely when it changes;
 * on narrow screens only the dot shows and the text stays for screen readers and the tooltip.
 */
export function ConnectionIndicator() {
  const state = useConnectionState();
  const text = shell.connection[state];
  return (
    <div
      className={`connection connection-${state}`}
      role="status"
      aria-live="polite"
      title={`${shell.connection.label}：${text}`}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text">{text}</span>
    </div>
  );
}
