import type { MessageKey } from "./i18n";

export const STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export const CHANNELS = ["email", "chat", "sms", "whatsapp", "messenger", "instagram", "social", "in_app", "voice", "phone", "portal", "api"] as const;
export const SORTS = ["priority", "due", "-updated"] as const;

export const statusKey = (s: string) => `status.${s}` as MessageKey;
export const priorityKey = (p: string) => `priority.${p}` as MessageKey;
export const channelKey = (c: string) => `channel.${c}` as MessageKey;

export const PRIORITY_COLOR: Record<string, string> = { urgent: "red", high: "orange", normal: "blue", low: "gray" };
export const STATUS_COLOR: Record<string, string> = {
  new: "grape",
  open: "red",
  pending: "blue",
  on_hold: "dark",
  solved: "teal",
  closed: "gray",
};
