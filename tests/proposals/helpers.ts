import * as Y from "yjs";
import { PROPOSAL_DOC_FIELD } from "../../shared/proposals.ts";
import { createUser, type TestUser } from "../helpers/clients.ts";
import type { TestServer } from "../helpers/server.ts";

/** A secretary of 五星社区 who owns a fresh proposal (started from the template). */
export async function ownerWithProposal(server: TestServer, title = "楼栋微治理项目") {
  const owner = await createUser(server, { role: "secretary", communityId: "wuxing", displayName: "张书记" });
  const res = await owner.client.post("/api/proposals", { title, communityId: "wuxing" });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    owner,
    proposal: res.body.proposal as { id: string; title: string; status: string },
    docName: `proposal:${res.body.proposal.id}`,
  };
}

export async function addMember(server: TestServer, owner: TestUser, proposalId: string, role: "editor" | "viewer") {
  const member = await createUser(server, { role: "worker", communityId: "wuxing" });
  const res = await owner.client.post(`/api/proposals/${proposalId}/members`, { userId: member.user.id, role });
  if (res.status !== 200) throw new Error(`add member failed: ${res.status} ${JSON.stringify(res.body)}`);
  return member;
}

export const fragment = (doc: Y.Doc) => doc.getXmlFragment(PROPOSAL_DOC_FIELD);

/** The Y.XmlText of the paragraph right after the section heading `title`. */
export function sectionText(doc: Y.Doc, title: string): Y.XmlText {
  const blocks = fragment(doc).toArray() as Y.XmlElement[];
  const i = blocks.findIndex(
    (b) =>
      b.nodeName === "heading" &&
      b
        .toArray()
        .map((t) => t.toString())
        .join("") === title,
  );
  if (i < 0) throw new Error(`no section ${title}`);
  const paragraph = blocks[i + 1]!;
  if (paragraph.nodeName !== "paragraph") throw new Error(`section ${title} has no paragraph`);
  return paragraph.get(0) as Y.XmlText;
}

/** Plain text of the whole document, one line per block. */
export function docText(doc: Y.Doc): string {
  const text = (el: Y.XmlElement | Y.XmlText): string =>
    el instanceof Y.XmlText
      ? el.toString().replace(/<[^>]+>/g, "")
      : el
          .toArray()
          .map((c) => text(c as Y.XmlElement))
          .join(el.nodeName === "tableRow" ? "|" : "");
  return (fragment(doc).toArray() as Y.XmlElement[]).map((b) => text(b)).join("\n");
}
