import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folders, usher } from "./cli-process";

const HEADER =
  "order_id,order_number,event_id,event_name,event_starts_at,event_timezone,venue_name,venue_city,buyer_name,buyer_email,currency,section,row,seat,barcode,price,fees,payment_method,card_brand,card_last4,purchased_at,purchase_ip";

describe("usher import-orders", () => {
  it("imports a CSV with progress, reports refused rows by line, and a second run changes nothing", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "usher-orders-"));
    folders.push(dataDir);
    const admin = usher(["create-admin", "--email", "boss@example.com", "--name", "Boss", "--password", "correct horse battery staple"], {
      USHER_DATA_DIR: dataDir,
    });
    expect(await admin.exited, admin.output()).toBe(0);
    const csv = join(dataDir, "orders.csv");
    writeFileSync(
      csv,
      [
        HEADER,
        `o1,LL-000001,e1,"Aurora Quartet, live",2026-12-01T19:30:00Z,Europe/London,Roundhouse,London,Dana Fan,dana@example.com,GBP,Stalls,F,11,BAR-1,45.00,3.50,card,visa,4242,2026-11-01T10:00:00Z,203.0.113.7`,
        `o1,LL-000001,e1,"Aurora Quartet, live",2026-12-01T19:30:00Z,Europe/London,Roundhouse,London,Dana Fan,dana@example.com,GBP,Stalls,F,12,BAR-2,45.00,3.50,card,visa,4242,2026-11-01T10:00:00Z,203.0.113.7`,
        `o2,LL-000002,e1,"Aurora Quartet, live",2026-12-01T19:30:00Z,Europe/London,Roundhouse,London,Kai,kai@example.com,GBP,Circle,A,1,BAR-3,30.00,2.00,card,visa,4111 1111 1111 1111,2026-11-02T10:00:00Z,`,
        `o3,LL-000003,e1,"Aurora Quartet, live",not-a-date,Europe/London,Roundhouse,London,Ola,ola@example.com,GBP,Circle,A,2,BAR-4,30.00,2.00,card,visa,1234,2026-11-02T10:00:00Z,`,
      ].join("\n"),
    );
    const run = usher(["import-orders", csv], { USHER_DATA_DIR: dataDir });
    expect(await run.exited).toBe(2); // some rows were refused
    const out = run.output();
    expect(out).toContain("Imported 1 orders with 2 admissions from 4 rows");
    expect(out).toContain("100%");
    expect(out).toMatch(/line 4: column card_last4 holds a card number/);
    expect(out).toMatch(/line 5: event_starts_at is not a date/);
    expect(out).not.toContain("4111 1111 1111 1111");

    const again = usher(["import-orders", csv], { USHER_DATA_DIR: dataDir });
    await again.exited;
    expect(again.output()).toContain("Imported 1 orders with 2 admissions");
  }, 120_000);
});
