import type { DeskAddressRow } from "./schema";

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function normaliseEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) ? email : undefined;
}

/** E.164: a plus and 8–15 digits. Spaces, dashes, dots and brackets are dropped; 00 becomes +. */
export function normalisePhone(value: string): string | undefined {
  let phone = value.trim().replace(/[\s\-().]/g, "");
  if (phone.startsWith("00")) phone = `+${phone.slice(2)}`;
  return /^\+[1-9]\d{7,14}$/.test(phone) ? phone : undefined;
}

/** A social handle without its @, lower-case (handles are case-insensitive on every network we serve). */
export function normaliseHandle(value: string): string | undefined {
  const handle = value.trim().replace(/^@/, "").toLowerCase();
  return /^[\p{L}\p{N}._-]{1,100}$/u.test(handle) ? handle : undefined;
}

export function normaliseAddress(channel: DeskAddressRow["channel"], value: string): string | undefined {
  switch (channel) {
    case "email":
      return normaliseEmail(value);
    case "sms":
    case "whatsapp":
    case "voice":
      return normalisePhone(value);
    case "social":
    case "instagram":
    case "messenger":
      return normaliseHandle(value);
    case "in_app":
    case "chat": {
      const key = value.trim();
      return /^[A-Za-z0-9._:-]{1,100}$/.test(key) ? key : undefined;
    }
  }
}
