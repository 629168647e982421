import { describe, expect, it } from "vitest";
import { rowsToBatch } from "./csv";

const row = (line: number, over: Record<string, string> = {}) => ({
  line,
  cells: {
    order_id: "o1",
    event_id: "e1",
    event_name: "Dvořák Night",
    event_starts_at: "2026-12-01T18:00:00Z",
    event_timezone: "Europe/Kyiv",
    venue_name: "Львівська опера",
    currency: "uah",
    barcode: `B${line}`,
    price: "1200.50",
    fees: "60",
    payment_method: "card",
    card_last4: "4242",
    purchased_at: "2026-11-01T10:00:00Z",
    buyer_email: "olena@example.com",
    ...over,
  },
});

describe("order CSV rows", () => {
  it("group into orders with decimal amounts in minor units and one payment", () => {
    const { events, orders, problems } = rowsToBatch([row(2), row(3, { seat: "12" }), row(4, { order_id: "o2", price: "99900" })]);
    expect(problems).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]!.venue).toMatchObject({ name: "Львівська опера", timezone: "Europe/Kyiv" });
    expect(orders).toHaveLength(2);
    expect(orders[0]).toMatchObject({ currency: "UAH", subtotal: 240100, fees: 120 });
    expect(orders[0]!.payments![0]).toMatchObject({ last4: "4242", amount: 240220 });
    expect(orders[1]!.subtotal).toBe(99900);
  });

  it("refuse card numbers in any column, bad dates, zones, amounts and last four digits, by line", () => {
    const { orders, problems } = rowsToBatch([
      row(2, { buyer_name: "Pay with 4111-1111-1111-1111" }),
      row(3, { event_starts_at: "tomorrow" }),
      row(4, { event_timezone: "Mars/Olympus" }),
      row(5, { price: "12,5,0" }),
      row(6, { card_last4: "42" }),
      row(7, { barcode: "" }),
      row(8, { admission_state: "lost" }),
    ]);
    expect(orders).toHaveLength(0);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(problems[0]!.message).toContain("card number");
    expect(JSON.stringify(problems)).not.toContain("4111");
    expect(problems[5]!.message).toBe("missing barcode");
  });
});
