import { useEffect, useSyncExternalStore, type DependencyList } from "react";
import { io, type Socket } from "socket.io-client";
import type {
  AckEventName,
  ClientToServerEvents,
  EventAnswer,
  EventPayload,
  ServerToClientEvents,
} from "../../shared/events.ts";

export type { EventPayload };
import type { Ack } from "../../shared/errors.ts";
import { shell } from "./strings/shell.ts";

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = "connected" | "reconnecting" | "offline";

let socket: AppSocket | null = null;
const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

/**
 * The one Socket.IO connection of this tab, created on first use but not connected:
 * the handshake is authenticated by the session cookie, so it only connects once signed in
 * (`connectSocket()`, called by the auth layer). Features subscribe to their events on it.
 */
export function getSocket(): AppSocket {
  if (socket) return socket;
  socket = io({
    path: "/socket.io",
    autoConnect: false,
    withCredentials: true,
    // WebSocket first: with several server processes behind a load balancer it needs no sticky
    // sessions; long-polling remains the fallback for networks that block WebSocket.
    transports: ["websocket", "polling"],
    tryAllTransports: true,
  });
  socket.on("connect", notify);
  socket.on("disconnect", notify);
  socket.on("connect_error", notify);
  socket.io.on("reconnect_attempt", notify);
  socket.io.on("reconnect_failed", notify);
  window.addEventListener("online", restartPendingConnection);
  return socket;
}

/**
 * An attempt to connect that the network cut off half-way can hang until the manager's 20 s timeout
 * before the next one starts: a phone back on the network would sit 正在重连… that long. When the
 * device says it is online again, an attempt still pending is dropped and a new one starts at once.
 */
function restartPendingConnection(): void {
  if (!socket || socket.connected || !socket.active) return;
  socket.disconnect().connect();
}

/** Opens (or keeps) the connection; called when a user is signed in. */
export function connectSocket(): void {
  const s = getSocket();
  if (!s.connected && !s.active) s.connect();
  notify();
}

/** Closes the connection and stops reconnecting; called on sign-out. */
export function disconnectSocket(): void {
  if (!socket) return;
  socket.disconnect();
  notify();
}

function currentState(): ConnectionState {
  if (typeof navigator !== "undefined" && navigator.onLine === false) return "offline";
  if (!socket) return "offline";
  if (socket.connected) return "connected";
  // `active` stays true while the manager is still trying (initial connect or reconnect)
  if (socket.active) return "reconnecting";
  return "offline";
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("online", notify);
  window.addEventListener("offline", notify);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener("online", notify);
      window.removeEventListener("offline", notify);
    }
  };
}

/** Live state of the realtime connection, for indicators and for disabling live actions. */
export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribe, currentState, () => "offline");
}

/** The acknowledgement of event E, widened with the timeout answer emitWithAck may give. */
export type EventAck<E extends AckEventName> = EventAnswer<E> | TimeoutAck;

type TimeoutAck = { ok: false; error: { code: "timeout"; message: string } };

const TIMEOUT_ACK: TimeoutAck & Ack = { ok: false, error: { code: "timeout", message: shell.httpErrors.timeout } };

/**
 * Emits an event and resolves with the server's acknowledgement. When no answer arrives in
 * `timeoutMs` (or the socket is down for that long) it resolves — never rejects — with
 * `{ok:false, error:{code:"timeout", message:"网络超时"}}`, so callers handle one shape.
 */
export async function emitWithAck<E extends AckEventName>(
  event: E,
  payload: EventPayload<E>,
  timeoutMs = 10_000,
): Promise<EventAck<E>> {
  // The generic overloads of emitWithAck don't narrow through a type parameter; the public
  // signature above carries the real typing.
  const loose = getSocket().timeout(timeoutMs) as unknown as {
    emitWithAck: (event: string, payload: unknown) => Promise<unknown>;
  };
  try {
    return (await loose.emitWithAck(event as string, payload)) as EventAck<E>;
  } catch {
    return TIMEOUT_ACK;
  }
}

/** What a room hands to its `join`: whether this is a rejoin after a reconnect, and when to stop. */
export type RoomJoin = {
  /** false for the first join of this mount, true after each reconnect */
  again: boolean;
  /** aborted when the component unmounts or the room changes: drop late answers, clear retries */
  signal: AbortSignal;
};

type RoomHandlers = { [E in keyof ServerToClientEvents]?: ServerToClientEvents[E] };

export type SocketRoom = {
  /** asks the server into the room; run when connected, and again after every reconnect (the
   *  server forgets a connection's rooms with it) */
  join(context: RoomJoin): void | Promise<void>;
  /** tells the server we left, when the connection is still up (a dropped one left by itself) */
  leave?(): void;
  /** the room's server→client events, listened to for as long as the room is open */
  on?: RoomHandlers;
};

/**
 * One room of the realtime connection for as long as the calling component shows it: listens to
 * `on`, joins now (or on connecting) and again after every reconnect, and leaves on the way out.
 * `deps` name what makes it a different room (its id), as for useEffect.
 */
export function useSocketRoom(room: SocketRoom, deps: DependencyList): void {
  useEffect(() => {
    const socket = getSocket();
    const abort = new AbortController();
    let joinedOnce = false;
    const join = () => {
      const again = joinedOnce;
      joinedOnce = true;
      void room.join({ again, signal: abort.signal });
    };
    // The handlers are typed per event in SocketRoom; socket.io's overloads can't follow a key.
    const handlers = Object.entries(room.on ?? {}) as [string, (...args: unknown[]) => void][];
    const loose = socket as unknown as {
      on(event: string, fn: (...args: unknown[]) => void): void;
      off(event: string, fn: (...args: unknown[]) => void): void;
    };
    for (const [event, handler] of handlers) loose.on(event, handler);
    socket.on("connect", join);
    if (socket.connected) join();
    return () => {
      abort.abort();
      socket.off("connect", join);
      for (const [event, handler] of handlers) loose.off(event, handler);
      if (socket.connected) room.leave?.();
    };
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps name the room's identity, as for useEffect
  }, deps);
}
