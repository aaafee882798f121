/**
 * The district keeps China Standard Time (UTC+8, no daylight saving): a year, a month or a hire
 * date begins at local midnight. Fixed here so the server's own time zone never matters.
 */
export const DISTRICT_UTC_OFFSET_HOURS = 8;
export const DISTRICT_TIME_ZONE = "Asia/Shanghai";

/** Local midnight of a YYYY-MM-DD date, as an instant. */
export function localMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** [from, to) of a calendar year in district time. */
export function yearRange(year: number): { from: Date; to: Date } {
  return { from: localMidnight(`${year}-01-01`), to: localMidnight(`${year + 1}-01-01`) };
}
