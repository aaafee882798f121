import { useEffect, useRef } from "react";
import { BarChart, RadarChart } from "echarts/charts";
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { Dashboard } from "../../../../shared/dashboard.ts";
import { CAPABILITY_LABELS } from "../../../../shared/vocabulary.ts";
import { dash } from "../../strings/dashboard.ts";

// Only what the two charts use, so the page's chunk stays small; this module is loaded lazily.
echarts.use([BarChart, RadarChart, GridComponent, LegendComponent, RadarComponent, TooltipComponent, CanvasRenderer]);

/** An ECharts instance bound to a div, resized with it and disposed with the component. */
function Chart({ option, label, height }: { option: echarts.EChartsCoreOption; label: string; height: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const el = ref.current!;
    const instance = echarts.init(el, undefined, { renderer: "canvas" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={ref} role="img" aria-label={label} className="dashboard-chart" style={{ height }} />;
}

/** 各街道学时: hours required and done, one pair of bars per street. */
export function HoursChart({ streets }: { streets: Dashboard["streets"] }) {
  const option: echarts.EChartsCoreOption = {
    tooltip: { trigger: "axis" },
    legend: { data: [dash.required, dash.done], top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
    xAxis: {
      type: "category",
      data: streets.map((s) => s.streetName.replace(/街道$/, "")),
      axisLabel: { interval: 0 },
    },
    yAxis: { type: "value", name: "学时" },
    series: [
      { name: dash.required, type: "bar", data: streets.map((s) => s.required), itemStyle: { color: "#bfbfbf" } },
      { name: dash.done, type: "bar", data: streets.map((s) => s.done), itemStyle: { color: "#2b5d8c" } },
    ],
  };
  return <Chart option={option} label={dash.hoursChartLabel} height={300} />;
}

/** 六能力画像: the district's six values on a radar (0–100). */
export function CapabilityRadar({ capabilities }: { capabilities: Dashboard["capabilities"] }) {
  const option: echarts.EChartsCoreOption = {
    tooltip: {},
    radar: {
      indicator: capabilities.map((c) => ({ name: CAPABILITY_LABELS[c.capability], max: 100 })),
      radius: "58%",
    },
    series: [
      {
        type: "radar",
        name: dash.radar,
        data: [{ value: capabilities.map((c) => c.value), name: dash.radar, areaStyle: { opacity: 0.25 } }],
        itemStyle: { color: "#2b5d8c" },
      },
    ],
  };
  return <Chart option={option} label={dash.radarLabel} height={300} />;
}

/** Both charts of the page, as one lazily loaded module. */
export default function DashboardCharts({ dashboard, which }: { dashboard: Dashboard; which: "hours" | "radar" }) {
  return which === "hours" ? (
    <HoursChart streets={dashboard.streets} />
  ) : (
    <CapabilityRadar capabilities={dashboard.capabilities} />
  );
}
