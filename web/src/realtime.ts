import { useEffect, useState } from "react";

/** What the server pushes over /api/v1/realtime. */
export type ServerEvent =
  | { type: "hello"; connectionId: string }
  | {
      type: "change";
      activityType: string;
      activityId: string;
      ticketId: string | null;
      deskId: string | null;
      version: number | null;
      actorId: string | null;
    }
  | { type: "mention"; activityType: string; ticketId: string | null; actorId: string | null; subjectId: string }
  /** A notification was kept for this agent (GET /notifications has it). */
  | { type: "notification"; activityType: string; ticketId: string | null; actorId: string | null; subjectId: string }
  | { type: "presence"; ticketId: string; agents: { agentId: string; name: string; typing: boolean }[] }
  | { type: "pong" }
  | { type: "error"; code: string };

type Listener = (event: ServerEvent) => void;

/**
 * One WebSocket per tab, reconnecting with back-off. Presence (the ticket
 * being viewed, typing) is re-sent on reconnect and refreshed every 20 s.
 */
class Realtime {
  private socket: WebSocket | null = null;
  private listeners = new Set<Listener>();
  private statusListeners = new Set<(online: boolean) => void>();
  private viewing: string | null = null;
  private typing = false;
  private retry = 0;
  private stopped = true;
  private heartbeat: number | undefined;
  online = false;

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
    this.heartbeat = window.setInterval(() => this.sendPresence(), 20_000);
  }

  stop() {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.socket?.close();
    this.socket = null;
  }

  private connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/realtime`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 0;
      this.setOnline(true);
      this.sendPresence();
    };
    socket.onmessage = (message) => {
      let event: ServerEvent;
      try {
        event = JSON.parse(String(message.data)) as ServerEvent;
      } catch {
        return;
      }
      this.listeners.forEach((l) => l(event));
    };
    socket.onclose = () => {
      this.setOnline(false);
      if (this.stopped) return;
      const delay = Math.min(30_000, 500 * 2 ** this.retry++);
      window.setTimeout(() => !this.stopped && this.connect(), delay);
    };
  }

  private setOnline(online: boolean) {
    this.online = online;
    this.statusListeners.forEach((l) => l(online));
  }

  private send(message: unknown) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendPresence() {
    if (this.viewing) this.send({ type: "typing", ticketId: this.viewing, typing: this.typing });
    else this.send({ type: "view", ticketId: null });
  }

  view(ticketId: string | null) {
    if (this.viewing === ticketId) return;
    this.viewing = ticketId;
    this.typing = false;
    this.send({ type: "view", ticketId });
  }

  setTyping(typing: boolean) {
    if (!this.viewing || this.typing === typing) return;
    this.typing = typing;
    this.send({ type: "typing", ticketId: this.viewing, typing });
  }

  subscribe(listener: Listener) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  onStatus(listener: (online: boolean) => void) {
    this.statusListeners.add(listener);
    return () => void this.statusListeners.delete(listener);
  }
}

export const realtime = new Realtime();

export function useRealtime(listener: Listener, deps: unknown[]) {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => realtime.subscribe(listener), deps);
}

export function useOnline(): boolean {
  const [online, setOnline] = useState(realtime.online);
  useEffect(() => realtime.onStatus(setOnline), []);
  return online;
}
