import { eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { normaliseEmail } from "./addresses";
import { type DeskAddressRow, deskAddresses } from "./schema";

/**
 * Desk addresses are read for every inbound message (which desk a message is
 * for, which secret signs a webhook, whether a sender is one of our own
 * mailboxes) and change rarely. Each process keeps them for a few seconds.
 *
 * A change made through the desks service in this process is seen at once:
 * it bumps the generation, and an entry filled under an older generation is
 * not used. A change made by another process (`usher serve` × n) is seen
 * within ADDRESS_CACHE_TTL_MS — the same window intake's routing has always
 * had. A webhook whose signature fails against a cached secret is checked
 * again against the stored one (see channels/webhooks.ts), so a rotated
 * secret works at once everywhere; only the old one lingers, for seconds.
 */
export const ADDRESS_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

let generation = 0;

/** Called by the desks service after an address or a desk changed. */
export function deskAddressesChanged(): void {
  generation++;
  byId.clear();
  emailDomains.clear();
}

interface Stamp {
  generation: number;
  at: number;
}

const isFresh = (stamp: Stamp) => stamp.generation === generation && Date.now() - stamp.at < ADDRESS_CACHE_TTL_MS;

/** A map of kept values; intake's endpoint cache is one too, so the desks service's changes reach it. */
export type Kept<V> = Map<string, { stamp: Stamp; value: Promise<V> }>;

/**
 * The value kept under `key`, or `load()`'s. The promise is kept, not its
 * result: a burst's concurrent messages that miss together (at start, when an
 * entry expires) share one query instead of each sending its own. Stamped
 * before the load: a change committed while it runs leaves the entry stale,
 * never kept past its generation. A failed load is not kept. At most
 * MAX_ENTRIES, the oldest going first.
 */
export function kept<V>(map: Kept<V>, key: string, load: () => Promise<V>, options: { fresh?: boolean } = {}): Promise<V> {
  const hit = map.get(key);
  if (hit && !options.fresh && isFresh(hit.stamp)) return hit.value;
  const stamp = { generation, at: Date.now() };
  const value = load();
  map.delete(key);
  map.set(key, { stamp, value });
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  value.catch(() => {
    if (map.get(key)?.value === value) map.delete(key);
  });
  return value;
}

const byId: Kept<DeskAddressRow | undefined> = new Map();

/**
 * A desk address by its id, across workspaces (a webhook URL names it), kept
 * for a few seconds. `fresh` reads the stored row (and keeps it).
 */
export async function cachedDeskAddressById(db: Db, id: string, options: { fresh?: boolean } = {}): Promise<DeskAddressRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return kept(byId, id, async () => (await db.select().from(deskAddresses).where(eq(deskAddresses.id, id)))[0], options);
}

const emailDomains: Kept<Set<string>> = new Map();

/**
 * Whether an e-mail address could be one of our desk mailboxes: its domain is
 * the domain of one. Most mail comes from fans' domains (gmail.com…), which no
 * desk address has, and is answered without a query; the few others are
 * looked up exactly by the caller. One small query per process every few
 * seconds instead of one per new sender.
 */
export async function mayBeDeskEmailAddress(db: Db, value: string): Promise<boolean> {
  const email = normaliseEmail(value);
  if (!email) return false;
  const domains = await kept(emailDomains, "email", async () => {
    const rows = await db
      .selectDistinct({ domain: sql<string>`split_part(${deskAddresses.address}, '@', 2)` })
      .from(deskAddresses)
      .where(eq(deskAddresses.channel, "email"));
    return new Set(rows.map((r) => r.domain));
  });
  return domains.has(email.slice(email.lastIndexOf("@") + 1));
}
