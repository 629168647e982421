import WebSocket from "ws";

/** A WebSocket client for the chat sockets (the widget's, the agents' presence) that waits for events by type. */
export interface ChatClient {
  socket: WebSocket;
  next(type: string): Promise<Record<string, unknown>>;
  send(event: Record<string, unknown>): void;
  /** Every event received so far, in order (also those already taken by `next`). */
  received: Record<string, unknown>[];
}

export async function connect(url: string, headers: Record<string, string> = {}): Promise<ChatClient> {
  const socket = new WebSocket(url, { headers });
  const inbox: Record<string, unknown>[] = [];
  const received: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (e: Record<string, unknown>) => void }[] = [];
  socket.on("message", (data) => {
    const event = JSON.parse(String(data)) as Record<string, unknown>;
    received.push(event);
    const i = waiters.findIndex((w) => w.type === event.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(event);
    else inbox.push(event);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    socket,
    received,
    send: (event) => socket.send(JSON.stringify(event)),
    next: (type) =>
      new Promise((resolve, reject) => {
        const i = inbox.findIndex((e) => e.type === type);
        if (i >= 0) return resolve(inbox.splice(i, 1)[0]!);
        const timer = setTimeout(() => reject(new Error(`no ${type} event; got ${JSON.stringify(inbox)}`)), 5000);
        waiters.push({ type, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      }),
  };
}
