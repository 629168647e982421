import { z } from "zod";
import { isoRequired, timestamp } from "../../platform/present";
import { addressChannels, customFieldTypes, deskKinds } from "./schema";
import type { CategoryRow, CustomFieldRow, DeskAddressRow, DeskRow } from "./schema";

export const deskSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    kind: z.enum(deskKinds),
    defaultLanguage: z.string(),
    timezone: z.string(),
    description: z.string().nullable(),
    archived: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: "Desk" });

export const presentDesk = (d: DeskRow): z.infer<typeof deskSchema> => ({
  id: d.id,
  key: d.key,
  name: d.name,
  kind: d.kind,
  defaultLanguage: d.defaultLanguage,
  timezone: d.timezone,
  description: d.description,
  archived: d.archivedAt !== null,
  createdAt: isoRequired(d.createdAt),
});

export const addressSchema = z
  .object({
    id: z.string(),
    deskId: z.string(),
    channel: z.enum(addressChannels),
    address: z.string(),
    displayName: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
  })
  .meta({ id: "DeskAddress" });

export const presentAddress = (a: DeskAddressRow): z.infer<typeof addressSchema> => ({
  id: a.id,
  deskId: a.deskId,
  channel: a.channel,
  address: a.address,
  displayName: a.displayName,
  settings: maskSecrets(a.settings) as Record<string, unknown>,
  createdAt: isoRequired(a.createdAt),
});

/** Settings named like secrets (app secrets, auth tokens, passwords) are stored but never shown again in full. */
const SECRET_KEY = /secret|token|password|key$/i;
export function maskSecrets(value: unknown, key = ""): unknown {
  if (typeof value === "string" && SECRET_KEY.test(key)) return value.length > 8 ? `…${value.slice(-4)}` : "…";
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  return value;
}

export const categorySchema = z
  .object({
    id: z.string(),
    deskId: z.string(),
    parentId: z.string().nullable(),
    key: z.string(),
    name: z.string(),
    position: z.number().int(),
    archived: z.boolean(),
  })
  .meta({ id: "Category" });

export const presentCategory = (c: CategoryRow): z.infer<typeof categorySchema> => ({
  id: c.id,
  deskId: c.deskId,
  parentId: c.parentId,
  key: c.key,
  name: c.name,
  position: c.position,
  archived: c.archivedAt !== null,
});

export const customFieldSchema = z
  .object({
    id: z.string(),
    deskId: z.string(),
    key: z.string(),
    label: z.string(),
    type: z.enum(customFieldTypes),
    required: z.boolean(),
    public: z.boolean(),
    options: z.array(z.object({ value: z.string(), label: z.string() })),
    validation: z.object({
      min: z.number().optional(),
      max: z.number().optional(),
      minLength: z.number().optional(),
      maxLength: z.number().optional(),
      pattern: z.string().optional(),
    }),
    position: z.number().int(),
    archived: z.boolean(),
  })
  .meta({ id: "CustomField" });

export const presentCustomField = (f: CustomFieldRow): z.infer<typeof customFieldSchema> => ({
  id: f.id,
  deskId: f.deskId,
  key: f.key,
  label: f.label,
  type: f.type,
  required: f.required,
  public: f.public,
  options: f.options,
  validation: f.validation,
  position: f.position,
  archived: f.archivedAt !== null,
});
