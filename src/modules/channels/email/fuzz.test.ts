import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeWorkspace, uid } from "../../../../test/factories";
import { testDb, useTestApp } from "../../../../test/helpers";
import { DomainError } from "../../../platform/errors";
import { addDeskAddress } from "../../desks/service";
import { receiveInbound } from "../../intake/pipeline";
import { parseEmail } from "./parse";

/**
 * The mail path fuzzed: thousands of generated messages — broken MIME,
 * stray bytes, odd charsets and encodings, hostile HTML, card numbers —
 * through the parser and the intake pipeline. Every one is either stored
 * (and then without a card number or a NUL byte) or refused with a
 * DomainError that says why; none crashes the process.
 */
const app = useTestApp();
// PGlite runs on the test's own thread and is slower: fewer runs there, a few thousand on PostgreSQL.
const RUNS = Number(process.env.USHER_FUZZ_RUNS ?? (testDb() === "postgres" ? 2500 : 1000));

const headerValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom("=?utf-8?B?0J/RgNC40LLRltGC?=", "=?iso-8859-1?Q?caf=E9?=", "=?bogus?X?zzz?=", "\u0000", "a\r\n b", "<>", '"quoted" <x@y>'),
);
const charset = fc.constantFrom("utf-8", "iso-8859-1", "windows-1251", "koi8-u", "utf-16", "x-unknown", "");
const encoding = fc.constantFrom("7bit", "8bit", "quoted-printable", "base64", "binary", "x-uuencode", "garbage");
const bodyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
  fc.constantFrom(
    Buffer.from("Pay with 4111 1111 1111 1111 please"),
    Buffer.from("<html><body onload=alert(1)><script>steal()</script><p>hi</p></body></html>"),
    Buffer.from("=C3=28 =ZZ =\r\n"),
    Buffer.from("begin 644 x\n`\nend\n"),
  ),
);
const part = fc.record({ type: fc.constantFrom("text/plain", "text/html", "application/pdf", "message/rfc822", "image/png", "multipart/alternative"), charset, encoding, body: bodyBytes, filename: fc.option(headerValue) });

const rawMail = (to: string) =>
  fc
    .record({
      from: fc.oneof(fc.constant(`fan-${uid()}@example.com`), headerValue),
      subject: headerValue,
      messageId: fc.option(fc.oneof(fc.constant(`<${uid()}@x.example>`), headerValue)),
      extra: fc.array(fc.tuple(fc.constantFrom("Auto-Submitted", "Precedence", "In-Reply-To", "References", "Content-Type", "X-Junk"), headerValue), { maxLength: 4 }),
      multipart: fc.boolean(),
      closeBoundary: fc.boolean(),
      parts: fc.array(part, { minLength: 1, maxLength: 4 }),
    })
    .map((m) => {
      const head = [`From: ${m.from}`, `To: ${to}`, `Subject: ${m.subject}`, ...(m.messageId ? [`Message-ID: ${m.messageId}`] : []), ...m.extra.map(([k, v]) => `${k}: ${v}`)];
      if (!m.multipart) {
        const p = m.parts[0]!;
        return Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\nContent-Type: ${p.type}; charset=${p.charset}\r\nContent-Transfer-Encoding: ${p.encoding}\r\n\r\n`), p.body]);
      }
      const chunks = [Buffer.from(`${head.join("\r\n")}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n`)];
      for (const p of m.parts) {
        chunks.push(Buffer.from(`--b0\r\nContent-Type: ${p.type}; charset=${p.charset}\r\nContent-Transfer-Encoding: ${p.encoding}\r\n${p.filename ? `Content-Disposition: attachment; filename="${p.filename}"\r\n` : ""}\r\n`), p.body, Buffer.from("\r\n"));
      }
      if (m.closeBoundary) chunks.push(Buffer.from("--b0--\r\n"));
      return Buffer.concat(chunks);
    });

describe("the mail path under fuzzing", () => {
  it(`stores or refuses with a reason each of ${RUNS} generated messages, never crashing`, async () => {
    const { system, desk } = await makeWorkspace(app());
    const to = `fuzz-${uid()}@lumen.example`;
    await addDeskAddress(system, desk.id, { channel: "email", address: to });
    const deps = { db: app().database.db, clock: app().clock, outbox: app().outbox };
    const outcomes = { stored: 0, duplicate: 0, refused: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(rawMail(to), async (raw) => {
        const { message } = await parseEmail(raw, { mailFrom: "bounce@example.com", receivedAt: new Date() });
        try {
          const result = await receiveInbound(deps, { ...message, to });
          outcomes[result.status]++;
        } catch (err) {
          // Refused: only ever with a typed reason, never an unexpected crash.
          expect(err).toBeInstanceOf(DomainError);
          const code = (err as DomainError).code;
          expect((err as DomainError).status).toBeLessThan(500);
          outcomes.refused.set(code, (outcomes.refused.get(code) ?? 0) + 1);
        }
      }),
      { numRuns: RUNS },
    );
    // Generated Message-IDs repeat ("<>", junk): those are redeliveries, recognised as such.
    const refused = [...outcomes.refused.values()].reduce((a, b) => a + b, 0);
    expect(outcomes.stored + outcomes.duplicate + refused).toBe(RUNS);
    expect(outcomes.stored).toBeGreaterThan(RUNS / 4);
    const { rows } = await app().database.executeSql(
      "select count(*)::int as n from messages where workspace_id = $1 and (text ~ '4111[ -]?1111[ -]?1111[ -]?1111' or coalesce(html, '') ~ '4111 1111 1111 1111' or html ~* '<script|onload=')",
      [system.workspaceId],
    );
    expect(rows[0].n).toBe(0);
  }, 300_000);
});
