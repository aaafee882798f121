import type { Level, Role } from "../../shared/enums.ts";
import { hashPassword } from "../auth/passwords.ts";
import { users } from "../auth/schema.ts";
import type { DemoUsers, Feature } from "../feature.ts";
import type { Logger } from "../lib/logger.ts";
import { communities, streets } from "../org/schema.ts";
import type { Db } from "./client.ts";

/** The 7 街道 of 城中区 and how many 社区 each has (31 in all). */
const DISTRICT: { id: string; name: string; communities: number }[] = [
  { id: "chengzhong", name: "城中街道", communities: 5 },
  { id: "gongyuan", name: "公园街道", communities: 5 },
  { id: "shuishang", name: "水上街道", communities: 4 },
  { id: "zhongnan", name: "中南街道", communities: 4 },
  { id: "jinglan", name: "静兰街道", communities: 5 },
  { id: "hedong", name: "河东街道", communities: 5 },
  { id: "tanzhong", name: "潭中街道", communities: 3 },
];

/** 一 … 九十九, for numbering the placeholder communities. */
export function chineseNumeral(n: number): string {
  const digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
  if (n < 10) return digits[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? "" : digits[tens]}十${digits[n % 10]}`;
}

/**
 * Communities: 五星社区 is real; the others are placeholders named 示例社区一, 示例社区二, … and marked
 * `demo` until an organiser renames them or imports the real roster. (Never 示范: in official usage
 * 示范社区 means a model community.)
 */
export function districtCommunities() {
  let placeholder = 0;
  return DISTRICT.flatMap((street) =>
    Array.from({ length: street.communities }, (_, i) => {
      if (street.id === "chengzhong" && i === 0)
        return { id: "wuxing", streetId: street.id, name: "五星社区", demo: false };
      placeholder += 1;
      return {
        id: `${street.id}-${i + 1}`,
        streetId: street.id,
        name: `示例社区${chineseNumeral(placeholder)}`,
        demo: true,
      };
    }),
  );
}

export const DEMO_PASSWORD = "demo1234";

type DemoUser = {
  username: string;
  displayName: string;
  role: Role;
  level: Level;
  communityId: string | null;
  partyMember: boolean;
  /** the street a street admin manages */
  streetId?: string;
};

const DEMO_USERS: DemoUser[] = [
  {
    username: "admin",
    displayName: "王敏（组织部）",
    role: "admin",
    level: "core",
    communityId: null,
    partyMember: true,
  },
  {
    username: "organiser1",
    displayName: "韦志刚（组织部）",
    role: "organiser",
    level: "core",
    communityId: null,
    partyMember: true,
  },
  {
    username: "street1",
    displayName: "覃秀兰（城中街道）",
    role: "street_admin",
    level: "core",
    communityId: null,
    partyMember: true,
    streetId: "chengzhong",
  },
  {
    username: "mentor1",
    displayName: "李建华导师",
    role: "mentor",
    level: "core",
    communityId: "wuxing",
    partyMember: true,
  },
  {
    username: "veteran1",
    displayName: "陈国强老书记",
    role: "veteran",
    level: "core",
    communityId: "gongyuan-2",
    partyMember: true,
  },
  {
    username: "sec1",
    displayName: "张丽书记",
    role: "secretary",
    level: "backbone",
    communityId: "wuxing",
    partyMember: true,
  },
  {
    username: "sec2",
    displayName: "刘洋书记",
    role: "secretary",
    level: "novice",
    communityId: "shuishang-2",
    partyMember: true,
  },
  {
    username: "sec3",
    displayName: "黄海燕书记",
    role: "secretary",
    level: "novice",
    communityId: "hedong-3",
    partyMember: true,
  },
  {
    username: "worker1",
    displayName: "周小梅",
    role: "worker",
    level: "novice",
    communityId: "wuxing",
    partyMember: false,
  },
  {
    username: "resident1",
    displayName: "居民赵先生",
    role: "resident",
    level: "novice",
    communityId: "wuxing",
    partyMember: false,
  },
];

/** The demo sign-in names, for the start-up line that tells a first visitor how to get in. */
export const DEMO_USERNAMES = DEMO_USERS.map((u) => u.username);

/** The 街道 and 社区 themselves; safe to run again. */
export async function seedOrg(db: Db): Promise<void> {
  await db
    .insert(streets)
    .values(DISTRICT.map((s, i) => ({ id: s.id, name: s.name, sort: i })))
    .onConflictDoNothing();
  await db.insert(communities).values(districtCommunities()).onConflictDoNothing();
}

/**
 * Seeds the district, the demo accounts and each feature's demo content — only into an empty
 * database, so restarting never duplicates anything.
 */
export async function seedDemo(db: Db, log: Logger, features: Feature[]): Promise<boolean> {
  const existing = await db.select({ id: users.id }).from(users).limit(1);
  if (existing.length > 0) return false;
  await seedOrg(db);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const rows = await db
    .insert(users)
    .values(DEMO_USERS.map((u) => ({ ...u, roles: [u.role], streetId: u.streetId ?? null, passwordHash })))
    .returning();
  const demoUsers: DemoUsers = Object.fromEntries(rows.map((row) => [row.username, row]));
  for (const feature of features) await feature.seed?.(db, demoUsers);
  log.info({ users: rows.length }, "seeded demo district and accounts");
  return true;
}
