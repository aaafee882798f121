import { useId, useRef, type KeyboardEvent, type ReactNode } from "react";

export type Panel = { key: string; label: ReactNode; children: ReactNode };

/**
 * Tabs for the side panels of the room (questions, chat, scoring), with the ARIA roles of a tab list.
 * Not antd's Tabs: that brings an overflow menu, a dropdown and their motion along (~13 KB on the
 * wire), which a phone in the hall would fetch before it could type a question.
 */
export function PanelTabs({
  items,
  activeKey,
  onChange,
}: {
  items: Panel[];
  activeKey: string;
  onChange: (key: string) => void;
}) {
  const id = useId();
  const strip = useRef<HTMLDivElement>(null);
  const active = items.find((x) => x.key === activeKey) ?? items[0];
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!step || !active) return;
    const next = items[(items.indexOf(active) + step + items.length) % items.length]!;
    onChange(next.key);
    strip.current?.querySelector<HTMLButtonElement>(`[data-key="${next.key}"]`)?.focus();
  };
  return (
    <div className="panel-tabs">
      <div className="panel-tabs-strip" role="tablist" ref={strip} onKeyDown={onKeyDown}>
        {items.map((item) => (
          <button
            key={item.key}
            type="button"
            role="tab"
            id={`${id}-tab-${item.key}`}
            data-key={item.key}
            aria-selected={item === active}
            aria-controls={`${id}-panel`}
            tabIndex={item === active ? 0 : -1}
            className={item === active ? "panel-tab panel-tab-active" : "panel-tab"}
            onClick={() => onChange(item.key)}
          >
            {item.label}
          </button>
        ))}
      </div>
      {active && (
        <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${active.key}`} className="panel-tabs-body">
          {active.children}
        </div>
      )}
    </div>
  );
}
