import { PDFDocument, StandardFonts } from "pdf-lib";
import { io as ioClient } from "socket.io-client";
import type { Forum, ForumSnapshot, GuestView, ScoreGroupDef } from "../../shared/forums.ts";
import { ApiClient, connectSocket, createUser, emitAck, type TestSocket } from "../helpers/clients.ts";
import type { TestServer } from "../helpers/server.ts";

/** A real PDF with `pages` pages, made the way a presenter's exported deck would be. */
export async function makePdf(pages = 3): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) pdf.addPage([400, 300]).drawText(`Page ${i}`, { x: 40, y: 150, size: 32, font });
  return pdf.save();
}

export function pdfForm(bytes: Uint8Array, name = "deck.pdf"): FormData {
  const form = new FormData();
  form.append("file", new Blob([bytes as BlobPart], { type: "application/pdf" }), name);
  return form;
}

let n = 0;
export const clientId = () => `c-${Date.now()}-${process.pid}-${++n}`;

/**
 * A host (secretary unless given), two presenters and a forum with two talks, created through the API.
 */
export async function setupForum(
  server: TestServer,
  options: {
    mode?: "forum" | "examination";
    hostRole?: "admin" | "secretary";
    groups?: ScoreGroupDef[];
    peerScoring?: boolean;
  } = {},
) {
  const host = await createUser(server, { role: options.hostRole ?? "secretary", partyMember: true });
  const presenterA = await createUser(server, { role: "secretary", partyMember: true });
  const presenterB = await createUser(server, { role: "secretary" });
  const res = await host.client.post("/api/forums", {
    title: "测试论坛",
    mode: options.mode ?? "forum",
    startsAt: new Date(Date.now() + 3600_000).toISOString(),
    theme: "书记讲给书记听",
    groups: options.groups,
    peerScoring: options.peerScoring,
    talks: [
      { title: "第一个发言", presenterId: presenterA.user.id, capability: "deliberation", plannedMinutes: 10 },
      { title: "第二个发言", presenterId: presenterB.user.id, plannedMinutes: 8 },
    ],
  });
  if (res.status !== 201) throw new Error(`create forum failed: ${res.status} ${JSON.stringify(res.body)}`);
  const forum = res.body.forum as Forum;
  return { host, presenterA, presenterB, forum, talkA: forum.talks[0]!, talkB: forum.talks[1]! };
}

/** Connects a socket for the client and joins the forum; returns the socket and the join state. */
export async function joinForum(
  server: TestServer,
  client: ApiClient,
  forumId: string,
): Promise<{ socket: TestSocket; state: ForumSnapshot }> {
  const socket = await connectSocket(server, client);
  const ack = await emitAck(socket, "forum:join", { forumId });
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return { socket, state: ack.state };
}

/** Collects every payload of `event` on a socket, for asserting what did (and did not) arrive. */
export function collect<T = any>(socket: TestSocket, event: string): T[] {
  const seen: T[] = [];
  (socket as unknown as { on(e: string, fn: (p: T) => void): void }).on(event, (p) => seen.push(p));
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ——— 现场评议: guests without accounts ———

/** A browser with no account: keeps the guest cookie the way a phone would. */
export class GuestClient extends ApiClient {
  override async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await super.request<T>(method, path, body, headers);
    const set = res.headers.getSetCookie().find((c) => c.startsWith("guest_session="));
    if (set) this.cookie = /Max-Age=0/i.test(set) || set.startsWith("guest_session=;") ? "" : set.split(";")[0]!;
    return res;
  }
}

/** The host makes `count` printed codes for a group. */
export async function printCodes(host: ApiClient, forumId: string, group: string, count = 1): Promise<string[]> {
  const res = await host.post(`/api/forums/${forumId}/ballot-codes`, { group, count });
  if (res.status !== 201) throw new Error(`codes failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.codes.map((c: { code: string }) => c.code);
}

/** A guest's socket: the handshake asks to come in as a guest and carries the guest cookie. */
export function connectGuestSocket(server: TestServer, guest: GuestClient): Promise<TestSocket> {
  const socket: TestSocket = ioClient(server.url, {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: guest.cookie ? { cookie: guest.cookie } : {},
    auth: { guest: true },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Redeems a printed code in a fresh browser, connects and joins the code's forum. */
export async function printedGuest(server: TestServer, code: string) {
  const client = new GuestClient(server.url);
  const res = await client.post("/api/guest/code", { code });
  if (res.status !== 200) throw new Error(`redeem failed: ${res.status} ${JSON.stringify(res.body)}`);
  const guest = res.body.guest as GuestView;
  const socket = await connectGuestSocket(server, client);
  const ack = await emitAck(socket, "forum:join", { forumId: guest.forumId });
  if (!ack.ok) throw new Error(`guest join failed: ${JSON.stringify(ack)}`);
  return { client, guest, socket, state: ack.state as ForumSnapshot };
}

/** One printed code for `group`, redeemed and joined. */
export async function hallGuest(server: TestServer, host: ApiClient, forumId: string, group = "public") {
  const [code] = await printCodes(host, forumId, group);
  return { code: code!, ...(await printedGuest(server, code!)) };
}
