import { z } from "zod";
import { iso, isoRequired, nullableTimestamp, timestamp } from "../../platform/present";
import { contactTiers, identityKinds } from "./schema";
import type { IdentityRow, OrganisationRow } from "./schema";
import type { ContactWithIdentities } from "./service";

export const identitySchema = z
  .object({
    id: z.string(),
    kind: z.enum(identityKinds),
    provider: z.string(),
    value: z.string(),
    primary: z.boolean(),
    verifiedAt: nullableTimestamp,
  })
  .meta({ id: "Identity" });

export const presentIdentity = (i: IdentityRow): z.infer<typeof identitySchema> => ({
  id: i.id,
  kind: i.kind,
  provider: i.provider,
  value: i.value,
  primary: i.isPrimary,
  verifiedAt: iso(i.verifiedAt),
});

export const contactSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    organisationId: z.string().nullable(),
    tier: z.enum(contactTiers),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    notes: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    identities: z.array(identitySchema),
    mergedIntoId: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Contact" });

export const presentContact = (c: ContactWithIdentities): z.infer<typeof contactSchema> => ({
  id: c.id,
  name: c.name,
  organisationId: c.organisationId,
  tier: c.tier,
  locale: c.locale,
  timezone: c.timezone,
  notes: c.notes,
  attributes: c.attributes,
  identities: c.identities.map(presentIdentity),
  mergedIntoId: c.mergedIntoId,
  createdAt: isoRequired(c.createdAt),
  updatedAt: isoRequired(c.updatedAt),
});

export const organisationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domains: z.array(z.string()),
    tier: z.enum(contactTiers),
    notes: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Organisation" });

export const presentOrganisation = (o: OrganisationRow): z.infer<typeof organisationSchema> => ({
  id: o.id,
  name: o.name,
  domains: o.domains,
  tier: o.tier,
  notes: o.notes,
  createdAt: isoRequired(o.createdAt),
  updatedAt: isoRequired(o.updatedAt),
});
