import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import relativeTime from "dayjs/plugin/relativeTime";

dayjs.extend(relativeTime);
dayjs.locale("zh-cn");

/** 10:32 today, 昨天 10:32, 11月3日 10:32 this year, else 2025年11月3日. */
export function chatTime(iso: string): string {
  const d = dayjs(iso);
  const now = dayjs();
  if (d.isSame(now, "day")) return d.format("HH:mm");
  if (d.isSame(now.subtract(1, "day"), "day")) return `昨天 ${d.format("HH:mm")}`;
  if (d.isSame(now, "year")) return d.format("M月D日 HH:mm");
  return d.format("YYYY年M月D日 HH:mm");
}

export const fromNow = (iso: string) => dayjs(iso).fromNow();
export const day = (iso: string) => dayjs(iso).format("YYYY-MM-DD");
export const dateTime = (iso: string) => dayjs(iso).format("YYYY-MM-DD HH:mm");

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** How long a term has left: 「剩余 3 个月」, 「剩余 12 天」, or 「已结束」. */
export function termLeft(startsAtIso: string, endsAtIso: string, now = dayjs()): { label: string; ended: boolean } {
  const end = dayjs(endsAtIso);
  if (!end.isAfter(now)) return { label: "已结束", ended: true };
  if (dayjs(startsAtIso).isAfter(now)) return { label: "尚未开始", ended: false };
  const months = end.diff(now, "month");
  if (months >= 12) {
    const years = Math.floor(months / 12);
    const rest = months % 12;
    return { label: `剩余 ${years} 年${rest ? ` ${rest} 个月` : ""}`, ended: false };
  }
  if (months >= 1) return { label: `剩余 ${months} 个月`, ended: false };
  return { label: `剩余 ${Math.max(1, end.diff(now, "day"))} 天`, ended: false };
}
