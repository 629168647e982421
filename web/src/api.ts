/** The REST API under /api/v1: the session cookie, plus the CSRF token on writes. */

export interface Agent {
  id: string;
  email: string;
  name: string;
  role: "admin" | "supervisor" | "agent" | "light_agent";
  locale: string;
  timezone: string;
  allDesks: boolean;
  deskIds: string[];
  teamIds: string[];
}
export interface Session {
  agent: Agent;
  workspace: { id: string; slug: string; name: string };
  csrfToken: string | null;
  /** Policy actions the agent may perform (e.g. `automation.manage`); the server checks again on every call. */
  permissions?: string[];
}

export const can = (session: Session, action: string) => session.permissions?.includes(action) ?? false;
export interface Desk {
  id: string;
  key: string;
  name: string;
  kind: string;
}
export interface Category {
  id: string;
  name: string;
}
export interface CustomField {
  id: string;
  key: string;
  label: string;
  type: "text" | "textarea" | "number" | "integer" | "boolean" | "date" | "select" | "multiselect" | "email" | "url";
  options: { value: string; label: string }[];
  archived: boolean;
}
export interface Team {
  id: string;
  key: string;
  name: string;
  agentIds: string[];
}
export type Status = "new" | "open" | "pending" | "on_hold" | "solved" | "closed";
export type Priority = "low" | "normal" | "high" | "urgent";
export interface Ticket {
  id: string;
  number: number;
  deskId: string;
  subject: string;
  status: Status;
  priority: Priority;
  priorityScore: number;
  priorityReasons: { factor: string; points: number; label?: string }[];
  categoryId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  channel: string;
  requesterId: string;
  organisationId: string | null;
  assigneeId: string | null;
  teamId: string | null;
  tier: number;
  dueAt: string | null;
  lastMessageAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  mergedIntoId: string | null;
}
export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  url: string;
}
export interface Message {
  id: string;
  kind: "inbound" | "outbound" | "note";
  author: { kind: "contact" | "agent" | "system"; id: string | null };
  channel: string;
  text: string;
  html: string | null;
  attachments: Attachment[];
  createdAt: string;
  metadata: Record<string, unknown>;
  /** Outbound only: pending (queued with us) → sent → delivered → read, or failed. */
  deliveryStatus: "pending" | "sent" | "delivered" | "read" | "failed" | null;
  deliveryError: { code: string | null; reason: string | null } | null;
}
export interface Activity {
  id: string;
  type: string;
  actor: { kind: string; id: string | null };
  changes: Record<string, [unknown, unknown]>;
  data: Record<string, unknown>;
  createdAt: string;
}
export interface View {
  id: string;
  kind: "builtin" | "category" | "custom";
  key: string | null;
  name: string;
  deskId: string | null;
  shared: boolean;
  conditions: Record<string, unknown>;
  sort: string;
  editable: boolean;
}
export interface Contact {
  id: string;
  name: string;
  organisationId: string | null;
  tier: string;
  locale: string | null;
  identities: { id: string; kind: string; value: string; primary: boolean }[];
}
export interface Canned {
  id: string;
  title: string;
  shortcut: string | null;
  body: string;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  init: { raw?: Blob | File; contentType?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (init.raw) headers["content-type"] = init.contentType || "application/octet-stream";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  if (response.status === 204) return undefined as T;
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const problem = json as { code?: string; detail?: string; title?: string } & Record<string, unknown>;
    throw new ApiError(response.status, problem.code ?? "unknown", problem.detail ?? problem.title ?? response.statusText, problem);
  }
  return json as T;
}

/** A panel whose endpoint may not exist on this server (yet): null on 404. */
export async function optional<T>(path: string): Promise<T | null> {
  try {
    return await api<T>("GET", path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>("PATCH", path, body);
export const put = <T>(path: string, body: unknown) => api<T>("PUT", path, body);
export const del = (path: string) => api<void>("DELETE", path);
