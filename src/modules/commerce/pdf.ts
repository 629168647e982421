import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { t } from "../../platform/i18n";
import { formatMoney } from "./policy-engine";

/**
 * PDFs: the fan's tickets (one page per admission, its barcode as a QR code)
 * and the chargeback evidence bundle. PDFKit's built-in fonts have no
 * Cyrillic, so Ukrainian names would print as blanks: DejaVu Sans (Latin,
 * Cyrillic, Greek) comes with Usher as an npm package rather than from the
 * operating system, so every install prints the same; PDFKit embeds the
 * subset of glyphs a document uses.
 */
const FONT = createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");

function newDocument(title: string): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  // A fixed creation date keeps the same input the same bytes (tests, caching).
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: title, Producer: "Usher", Creator: "Usher", CreationDate: new Date(0) },
  });
  doc.font(FONT);
  const parts: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => parts.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(parts)));
    doc.on("error", reject);
  });
  return { doc, done };
}

export interface TicketPdfInput {
  locale: string | null;
  orderNumber: string;
  event: { name: string; startsAt: Date; timezone: string };
  venueName: string | null;
  /** The name the tickets are issued to (the buyer's), printed on each. */
  holderName?: string | null;
  currency: string;
  admissions: { section: string | null; row: string | null; seat: string | null; barcode: string; price: number }[];
  reissuedAt?: Date;
}

export async function ticketPdf(input: TicketPdfInput): Promise<Buffer> {
  const L = (key: string, params: Record<string, unknown> = {}) => t(input.locale, `commerce:pdf.${key}`, params);
  const when = formatWhen(input.event.startsAt, input.event.timezone, input.locale);
  const { doc, done } = newDocument(`${L("title")} — ${input.orderNumber}`);
  for (const [i, a] of input.admissions.entries()) {
    if (i > 0) doc.addPage();
    doc.fontSize(22).text(input.event.name);
    doc
      .moveDown(0.3)
      .fontSize(12)
      .text(`${L("when")}: ${when}`);
    if (input.venueName) doc.text(`${L("venue")}: ${input.venueName}`);
    doc.text(`${L("order")}: ${input.orderNumber}`);
    if (input.holderName) doc.text(`${L("name")}: ${input.holderName}`);
    doc.moveDown();
    const place =
      a.section || a.row || a.seat
        ? [a.section && `${L("section")} ${a.section}`, a.row && `${L("row")} ${a.row}`, a.seat && `${L("seat")} ${a.seat}`]
            .filter(Boolean)
            .join(" · ")
        : L("general");
    doc.fontSize(16).text(place);
    doc.fontSize(12).text(`${L("price")}: ${formatMoney(a.price, input.currency, input.locale)}`);
    const png = await QRCode.toBuffer(a.barcode, { errorCorrectionLevel: "M", margin: 1, width: 220 });
    doc.moveDown().image(png, { width: 200 });
    doc
      .moveDown(0.5)
      .fontSize(10)
      .text(`${L("barcode")}: ${a.barcode}`);
    if (input.reissuedAt)
      doc
        .moveDown()
        .fontSize(9)
        .text(L("reissued", { date: input.reissuedAt.toISOString().slice(0, 10) }));
  }
  doc.end();
  return done;
}

export interface EvidenceSection {
  heading: string;
  lines: string[];
}

/** The chargeback evidence bundle: sections of plain lines, printed in order. */
export async function evidencePdf(title: string, sections: EvidenceSection[]): Promise<Buffer> {
  const { doc, done } = newDocument(title);
  doc.fontSize(18).text(title);
  for (const section of sections) {
    doc.moveDown().fontSize(14).text(section.heading);
    doc.fontSize(9);
    if (section.lines.length === 0) doc.text("—");
    for (const line of section.lines) doc.text(line);
  }
  doc.end();
  return done;
}

export function formatWhen(at: Date, timezone: string, locale: string | null): string {
  try {
    return new Intl.DateTimeFormat(locale ?? "en", {
      dateStyle: "full",
      timeStyle: "short",
      timeZone: timezone,
      timeZoneName: "short",
    }).format(at);
  } catch {
    return at.toISOString();
  }
}
