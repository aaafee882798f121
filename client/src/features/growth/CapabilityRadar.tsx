import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { RadarChart } from "echarts/charts";
import { LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import type { CapabilityScore } from "../../../../shared/growth.ts";
import { CAPABILITY_LABELS } from "../../../../shared/vocabulary.ts";
import { growth } from "../../strings/growth.ts";

// Only the radar and what it needs: this file is loaded lazily, so ECharts stays out of the main bundle.
echarts.use([RadarChart, TooltipComponent, LegendComponent, CanvasRenderer]);

/** The six-capability radar of one person's year (values 0–100, see docs/growth.md). */
export default function CapabilityRadar({ capabilities, year }: { capabilities: CapabilityScore[]; year: number }) {
  const holder = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = holder.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: "canvas" });
    // on a phone the axis names need room at the sides
    const narrow = el.clientWidth < 420;
    const valueByName = new Map(capabilities.map((c) => [CAPABILITY_LABELS[c.capability], c.value]));
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: () =>
          capabilities
            .map(
              (c) =>
                `${CAPABILITY_LABELS[c.capability]}：${growth.radar.value} ${c.value}（${growth.radar.count} ${c.count}，${growth.radar.average} ${c.average ?? "—"}）`,
            )
            .join("<br/>"),
      },
      radar: {
        radius: narrow ? "48%" : "62%",
        indicator: capabilities.map((c) => ({ name: CAPABILITY_LABELS[c.capability], max: 100 })),
        // each axis says its value too: a small year reads as numbers, not as a dot in the middle
        axisName: {
          color: "#333",
          fontSize: narrow ? 11 : 12,
          formatter: (name?: string) => `${name}\n{value|${valueByName.get(name ?? "") ?? 0}}`,
          rich: { value: { fontSize: narrow ? 13 : 15, fontWeight: "bold", color: "#2b5d8c", lineHeight: 20 } },
        },
      },
      series: [
        {
          type: "radar",
          name: `${year}`,
          areaStyle: { opacity: 0.25 },
          data: [{ value: capabilities.map((c) => c.value), name: growth.yearOption(year) }],
        },
      ],
    });
    const resize = () => chart.resize();
    const observer = new ResizeObserver(resize);
    observer.observe(el);
    // printing lays the page out again at A4 width
    window.addEventListener("beforeprint", resize);
    return () => {
      observer.disconnect();
      window.removeEventListener("beforeprint", resize);
      chart.dispose();
    };
  }, [capabilities, year]);

  const summary = capabilities.map((c) => `${CAPABILITY_LABELS[c.capability]} ${c.value}`).join("，");
  return (
    <div
      ref={holder}
      className="growth-radar"
      role="img"
      aria-label={`${growth.radar.title}：${summary}`}
      data-testid="capability-radar"
    />
  );
}
