import { createReadStream, statSync } from "node:fs";
import { parse } from "csv-parse";
import type { Ctx } from "../../platform/context";
import { redactCardNumbers } from "../compliance/redact";
import type { IncomingEvent, IncomingOrder } from "./connectors/contract";
import { ingest } from "./ingest";
import { type AdmissionState, admissionStates } from "./schema";
import { isTimeZone } from "../../platform/validation";

/**
 * Order CSV import (`usher import-orders <file>`): one row per admission,
 * rows of one order together or not. Amounts are in minor units or decimals
 * ("45.00" → 4500 for a two-decimal currency). A row with anything that looks
 * like a card number is refused and reported by line — never stored, never
 * echoed. Sent to the ingestion service in batches, so a re-run is harmless.
 *
 * Columns (header row, any order; * required):
 *   order_id*, order_number, event_id*, event_name*, event_starts_at*, event_timezone*,
 *   venue_id, venue_name, venue_city, venue_country, buyer_name, buyer_email, buyer_phone,
 *   currency*, section, row, seat, barcode*, price*, fees, payment_method, card_brand,
 *   card_last4, charge_id, gateway, purchased_at*, purchase_ip, purchase_location, admission_state
 */
export const CSV_REQUIRED = [
  "order_id",
  "event_id",
  "event_name",
  "event_starts_at",
  "event_timezone",
  "currency",
  "barcode",
  "price",
  "purchased_at",
] as const;

export interface CsvProblem {
  line: number;
  message: string;
}

export interface CsvImportResult {
  rows: number;
  orders: number;
  admissions: number;
  matchedContacts: number;
  problems: CsvProblem[];
}

function toMinor(value: string | undefined, currency: string): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim().replace(/\s/g, "");
  if (/^\d+$/.test(v)) return Number(v);
  if (!/^\d+[.,]\d{1,3}$/.test(v)) return Number.NaN;
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return Math.round(Number(v.replace(",", ".")) * 10 ** digits);
}

/** Turns parsed rows into events and orders; pure, so it is tested without files or a database. */
export function rowsToBatch(rows: { line: number; cells: Record<string, string> }[]): {
  events: IncomingEvent[];
  orders: IncomingOrder[];
  problems: CsvProblem[];
} {
  const problems: CsvProblem[] = [];
  const events = new Map<string, IncomingEvent>();
  const orders = new Map<string, IncomingOrder>();
  for (const { line, cells } of rows) {
    const card = Object.entries(cells).find(([, v]) => redactCardNumbers(v).count > 0);
    if (card) {
      problems.push({ line, message: `column ${card[0]} holds a card number: row refused (only the last four digits may be imported)` });
      continue;
    }
    const missing = CSV_REQUIRED.filter((c) => !cells[c]?.trim());
    if (missing.length) {
      problems.push({ line, message: `missing ${missing.join(", ")}` });
      continue;
    }
    const currency = cells.currency!.trim().toUpperCase();
    const startsAt = new Date(cells.event_starts_at!);
    const purchasedAt = new Date(cells.purchased_at!);
    const price = toMinor(cells.price, currency);
    const fees = toMinor(cells.fees, currency) ?? 0;
    const last4 = cells.card_last4?.trim() || null;
    const bad = [
      !/^[A-Z]{3}$/.test(currency) && "currency is not an ISO 4217 code",
      Number.isNaN(startsAt.getTime()) && "event_starts_at is not a date",
      Number.isNaN(purchasedAt.getTime()) && "purchased_at is not a date",
      !isTimeZone(cells.event_timezone!) && "event_timezone is not an IANA time zone",
      (price === undefined || Number.isNaN(price)) && "price is not an amount",
      Number.isNaN(fees) && "fees is not an amount",
      last4 !== null && !/^\d{4}$/.test(last4) && "card_last4 must be exactly four digits",
      cells.admission_state?.trim() &&
        !(admissionStates as readonly string[]).includes(cells.admission_state.trim()) &&
        "admission_state is not a known state",
    ].filter(Boolean) as string[];
    if (bad.length) {
      problems.push({ line, message: bad.join("; ") });
      continue;
    }
    const eventId = cells.event_id!.trim();
    if (!events.has(eventId)) {
      events.set(eventId, {
        externalId: eventId,
        name: cells.event_name!.trim(),
        startsAt,
        timezone: cells.event_timezone!.trim(),
        venue: cells.venue_name?.trim()
          ? {
              externalId: cells.venue_id?.trim() || cells.venue_name.trim().toLowerCase(),
              name: cells.venue_name.trim(),
              city: cells.venue_city?.trim() || null,
              country: cells.venue_country?.trim() || null,
              timezone: cells.event_timezone!.trim(),
            }
          : null,
      });
    }
    const orderId = cells.order_id!.trim();
    let order = orders.get(orderId);
    if (!order) {
      order = {
        externalId: orderId,
        number: cells.order_number?.trim() || orderId,
        eventExternalId: eventId,
        buyer: {
          name: cells.buyer_name?.trim() || null,
          email: cells.buyer_email?.trim() || null,
          phone: cells.buyer_phone?.trim() || null,
        },
        currency,
        subtotal: 0,
        fees: 0,
        purchasedAt,
        purchaseIp: cells.purchase_ip?.trim() || null,
        purchaseLocation: cells.purchase_location?.trim() || null,
        admissions: [],
        payments: cells.payment_method?.trim()
          ? [
              {
                method: cells.payment_method.trim(),
                brand: cells.card_brand?.trim() || null,
                last4,
                amount: 0,
                currency,
                gateway: cells.gateway?.trim() || "sandbox",
                chargeId: cells.charge_id?.trim() || null,
              },
            ]
          : [],
      };
      orders.set(orderId, order);
    }
    const state = cells.admission_state?.trim() as AdmissionState | undefined;
    order.admissions!.push({
      externalId: cells.barcode!.trim(),
      section: cells.section?.trim() || null,
      row: cells.row?.trim() || null,
      seat: cells.seat?.trim() || null,
      barcode: cells.barcode!.trim(),
      price: price!,
      fees,
      ...(state ? { state } : {}),
    });
    order.subtotal += price!;
    order.fees = (order.fees ?? 0) + fees;
    if (order.payments?.[0]) order.payments[0].amount = order.subtotal + (order.fees ?? 0);
  }
  return { events: [...events.values()], orders: [...orders.values()], problems };
}

/**
 * Streams the file, sending orders in batches as they complete. `onProgress`
 * gets bytes read and the file size, for a progress bar.
 */
export async function importOrdersCsv(
  ctx: Ctx,
  file: string,
  options: { source?: string; batchRows?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<CsvImportResult> {
  const total = statSync(file).size;
  const source = options.source ?? "csv";
  const batchRows = options.batchRows ?? 2000;
  const result: CsvImportResult = { rows: 0, orders: 0, admissions: 0, matchedContacts: 0, problems: [] };
  const input = createReadStream(file);
  let read = 0;
  input.on("data", (chunk) => {
    read += chunk.length;
    options.onProgress?.(read, total);
  });
  const parser = input.pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }),
  );
  let pending: { line: number; cells: Record<string, string> }[] = [];
  const flush = async (final: boolean) => {
    // Keep the last order's rows back until its group is complete (rows of one order are usually together).
    let cut = pending.length;
    if (!final && cut > 0) {
      const lastOrder = pending[cut - 1]!.cells.order_id;
      while (cut > 0 && pending[cut - 1]!.cells.order_id === lastOrder) cut--;
      if (cut === 0) return;
    }
    const now = pending.slice(0, cut);
    pending = pending.slice(cut);
    const batch = rowsToBatch(now);
    result.problems.push(...batch.problems);
    if (batch.orders.length || batch.events.length) {
      const done = await ingest(ctx, { source, events: batch.events, orders: batch.orders });
      result.orders += done.orders;
      result.admissions += done.admissions;
      result.matchedContacts += done.matchedContacts;
    }
  };
  for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    result.rows++;
    pending.push({ line: record.info.lines, cells: record.record });
    if (pending.length >= batchRows) await flush(false);
  }
  await flush(true);
  options.onProgress?.(total, total);
  return result;
}
