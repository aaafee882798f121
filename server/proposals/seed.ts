import * as Y from "yjs";
import { proposalDocName } from "../../shared/proposals.ts";
import type { Db } from "../db/client.ts";
import type { DemoUsers } from "../feature.ts";
import { appendUpdates } from "../yjs/persistence.ts";
import { fragmentOf, writeTemplate } from "./document.ts";
import { proposalMembers, proposalReviewers, proposalVersions, proposals } from "./schema.ts";

const TITLE = "“红色管家”楼栋微治理项目";

const TEXT: Record<string, string> = {
  背景与问题: "五星社区老旧小区多，楼栋自治组织薄弱，居民诉求反映渠道不畅，楼道堆物、电动车充电等安全隐患反复出现。",
  服务对象: "社区 42 栋老旧楼栋约 1,800 户居民，重点关注独居老人与困难家庭。",
  项目目标: "一年内每栋楼培育 1 名党员“红色管家”，楼栋议事会覆盖率达到 80%。",
};

const BUDGET = [
  ["红色管家培训", "6000", "4 期，每期 1500 元"],
  ["楼栋议事会物料", "3500", "议事牌、记录本"],
];

/** 五星社区's demo proposal: owned by sec1, sec2 edits, mentor1 reviews; part of it filled in. */
export async function seedProposals(db: Db, users: DemoUsers): Promise<void> {
  const sec1 = users.sec1;
  const sec2 = users.sec2;
  if (!sec1) return;
  const [row] = await db
    .insert(proposals)
    .values({ title: TITLE, communityId: "wuxing", ownerId: sec1.id })
    .returning();
  const id = row!.id;
  if (sec2) await db.insert(proposalMembers).values({ proposalId: id, userId: sec2.id, role: "editor" });
  if (users.mentor1) await db.insert(proposalReviewers).values({ proposalId: id, userId: users.mentor1.id });

  const doc = new Y.Doc();
  try {
    writeTemplate(doc, TITLE);
    const first = Y.encodeStateAsUpdate(doc);
    const blocks = fragmentOf(doc).toArray() as Y.XmlElement[];
    doc.transact(() => {
      blocks.forEach((block, i) => {
        if (block.nodeName !== "heading") return;
        const title = (block.get(0) as Y.XmlText).toString();
        const next = blocks[i + 1];
        if (TEXT[title] && next?.nodeName === "paragraph") (next.get(0) as Y.XmlText).insert(0, TEXT[title]!);
        if (title === "预算" && next?.nodeName === "table") {
          const rows = next.toArray() as Y.XmlElement[];
          BUDGET.forEach((cells, r) => {
            cells.forEach((value, c) => {
              const cell = rows[r + 1]!.get(c) as Y.XmlElement;
              ((cell.get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, value);
            });
          });
        }
      });
    });
    const second = Y.encodeStateAsUpdate(doc, Y.encodeStateVectorFromUpdate(first));
    await appendUpdates(db, proposalDocName(id), [first, second]);
    await db.insert(proposalVersions).values({ proposalId: id, name: "初稿", createdBy: sec1.id, snapshot: first });
  } finally {
    doc.destroy();
  }
}
