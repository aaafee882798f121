import type { RGB } from "pdf-lib";
import { DEFAULT_GROUPS } from "../../shared/forums.ts";
import type { Db } from "../db/client.ts";
import type { DemoUsers } from "../feature.ts";
import { forumDecks, forums, forumTalks } from "./schema.ts";

/**
 * A small placeholder deck. The standard PDF fonts have no Chinese glyphs, so a page shows its
 * number alone (「1 / 4」): no English word reaches the hall's screen.
 */
export async function demoDeck(pages: number, accent?: RGB): Promise<Uint8Array> {
  // pdf-lib takes a few hundred milliseconds to load and only the first demo seed needs it, so
  // it is loaded here rather than by every start-up.
  const { PDFDocument, rgb, StandardFonts } = await import("pdf-lib");
  accent ??= rgb(0.78, 0.12, 0.12);
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (let i = 1; i <= pages; i++) {
    const page = pdf.addPage([960, 540]);
    page.drawRectangle({ x: 0, y: 460, width: 960, height: 80, color: accent });
    page.drawText(`${i} / ${pages}`, { x: 60, y: 250, size: 64, font, color: rgb(0.15, 0.15, 0.15) });
    page.drawRectangle({ x: 60, y: 120, width: 120 * i, height: 40, color: rgb(0.95, 0.7, 0.2) });
  }
  return pdf.save();
}

/** Demo content: an upcoming 书记论坛 with two talks, the first with a slide deck. */
export async function seedForums(db: Db, users: DemoUsers): Promise<void> {
  const admin = users.admin;
  const sec1 = users.sec1;
  const sec2 = users.sec2;
  if (!admin || !sec1 || !sec2) return;
  const startsAt = new Date(Date.now() + 24 * 3600 * 1000);
  startsAt.setUTCHours(6, 30, 0, 0);
  const [forum] = await db
    .insert(forums)
    .values({
      title: "第三期书记论坛：老旧小区改造中的居民动员",
      theme: "书记讲给书记听——分享加装电梯、楼道治理中的协商议事经验",
      mode: "forum",
      startsAt,
      hostId: admin.id,
      scoreGroups: DEFAULT_GROUPS,
    })
    .returning({ id: forums.id });
  const talks = await db
    .insert(forumTalks)
    .values([
      {
        forumId: forum!.id,
        position: 1,
        title: "五星社区加装电梯“协商六步法”",
        presenterId: sec1.id,
        capability: "deliberation" as const,
        plannedMinutes: 15,
        notes: { "1": "开场：先讲五星社区的基本情况", "2": "重点讲第二次议事会的分歧和化解" },
      },
      {
        forumId: forum!.id,
        position: 2,
        title: "楼道“微治理”：从一张公约开始",
        presenterId: sec2.id,
        capability: "mobilization" as const,
        plannedMinutes: 12,
      },
    ])
    .returning({ id: forumTalks.id });
  const data = await demoDeck(4);
  await db.insert(forumDecks).values({
    talkId: talks[0]!.id,
    fileName: "协商六步法.pdf",
    size: data.byteLength,
    pageCount: 4,
    data,
    uploadedBy: sec1.id,
  });
}
