import { describe, expect, it } from "vitest";
import { pdfText } from "../../../test/pdf-text";
import { evidencePdf, ticketPdf } from "./pdf";

/** Ukrainian names must print: the font comes with Usher, not from the operating system. */
describe("PDFs in Cyrillic", () => {
  it("prints a Ukrainian fan's name, venue and seats on the tickets, with the font embedded", async () => {
    const pdf = await ticketPdf({
      locale: "uk",
      orderNumber: "LL-1001",
      holderName: "Олена Коваленко",
      event: { name: "Квартет «Аврора»", startsAt: new Date("2026-03-22T17:30:00Z"), timezone: "Europe/Kyiv" },
      venueName: "Київська опера",
      currency: "UAH",
      admissions: [{ section: "Партер", row: "7", seat: "14", barcode: "UA7X1", price: 120000 }],
    });
    const raw = pdf.toString("latin1");
    expect(raw).toMatch(/\/FontFile2/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
    const text = pdfText(pdf);
    expect(text).toContain("Ім'я: Олена Коваленко");
    expect(text).toContain("Квартет «Аврора»");
    expect(text).toContain("Київська опера");
    expect(text).toContain("Партер");
    expect(text).not.toContain("\ufffd");
  });

  it("prints correspondence in the evidence bundle as written", async () => {
    const pdf = await evidencePdf("Доказова база — LL-1001", [
      { heading: "Листування", lines: ["Олена Коваленко: Добрий день! Квиток не сканується.", "Agent: Sorry — fixed."] },
    ]);
    const text = pdfText(pdf);
    expect(text).toContain("Олена Коваленко: Добрий день! Квиток не сканується.");
    expect(text).toContain("Agent: Sorry — fixed.");
    expect(text).not.toContain("\ufffd");
  });
});
