import { inflateSync } from "node:zlib";

/**
 * The text a PDF shows, read the way a viewer's "copy text" does: content
 * streams' glyph codes mapped back through each font's ToUnicode CMap.
 * Enough for PDFKit's output (hex strings in TJ/Tj, Identity-H fonts); a
 * glyph the font lacks comes out as U+FFFD, so tests see .notdef.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString("latin1");
  const streams: string[] = [];
  // Each object's own dictionary: never past its "endobj" into the next object.
  for (const m of raw.matchAll(/\bobj\s*<<((?:(?!endobj)[^])*?)>>\s*stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const end = raw.indexOf("endstream", start);
    const bytes = pdf.subarray(start, end);
    streams.push(/FlateDecode/.test(m[1]!) ? inflateSync(bytes).toString("latin1") : bytes.toString("latin1"));
  }
  const map = new Map<number, string>();
  const hex = (h: string) => parseInt(h, 16);
  const utf16 = (h: string) => String.fromCharCode(...(h.match(/.{4}/g) ?? []).map(hex));
  for (const cmap of streams.filter((s) => s.includes("begincmap"))) {
    for (const block of cmap.matchAll(/beginbfrange([^]*?)endbfrange/g)) {
      // <from> <to> <first>  or  <from> <to> [<dst> <dst> …] (PDFKit writes the array form)
      for (const [, from, to, rest] of block[1]!.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*(<[0-9a-f]+>|\[[^\]]*\])/gi)) {
        const dsts = [...rest!.matchAll(/<([0-9a-f ]+)>/gi)].map(([, h]) => h!.replace(/ /g, ""));
        for (let c = hex(from!); c <= hex(to!); c++) {
          map.set(c, rest!.startsWith("[") ? utf16(dsts[c - hex(from!)] ?? "fffd") : String.fromCharCode(hex(dsts[0]!) + c - hex(from!)));
        }
      }
    }
    for (const block of cmap.matchAll(/beginbfchar([^]*?)endbfchar/g)) {
      for (const [, src, dst] of block[1]!.matchAll(/<([0-9a-f]+)>\s*<([0-9a-f]+)>/gi)) map.set(hex(src!), utf16(dst!));
    }
  }
  const lines: string[] = [];
  for (const content of streams.filter((s) => /\bT[Jj]\b/.test(s))) {
    for (const [, ops] of content.matchAll(/\[?((?:<[0-9a-f]*>\s*-?[\d.]*\s*)+)\]?\s*T[Jj]/gi)) {
      const codes = [...ops!.matchAll(/<([0-9a-f]*)>/gi)].flatMap(([, h]) => (h!.match(/.{4}/g) ?? []).map(hex));
      lines.push(codes.map((c) => (c === 0 ? "\ufffd" : (map.get(c) ?? "\ufffd"))).join(""));
    }
  }
  return lines.join("\n");
}
