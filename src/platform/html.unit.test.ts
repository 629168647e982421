import { describe, expect, it } from "vitest";
import { htmlToText, sanitiseHtml } from "./html";

describe("HTML from outside", () => {
  it.each([
    ['<img src=x onerror="alert(1)">', /onerror/],
    ['<a href="javascript:alert(1)">x</a>', /javascript:/],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', /javascript:/i],
    ["<svg><script>alert(1)</script></svg>", /script|svg/],
    ['<iframe src="https://evil.example"></iframe>', /iframe/],
    ["<style>body{background:url(https://evil.example)}</style>", /style|evil/],
    ['<form action="https://evil.example"><input name=p></form>', /form|input/],
    ['<div style="position:fixed;top:0">overlay</div>', /style=/],
    ['<a href="data:text/html,<script>alert(1)</script>">x</a>', /data:/],
    ["<object data=x></object><embed src=x>", /object|embed/],
    ["<meta http-equiv=refresh content='0;url=https://evil.example'>", /meta|refresh/],
  ])("strips %s", (html, forbidden) => {
    expect(sanitiseHtml(html)).not.toMatch(forbidden);
  });

  it("keeps what mail needs to read well, and opens links safely", () => {
    const html = sanitiseHtml(
      '<p>Hi <b>Dana</b>,</p><blockquote>quoted</blockquote><a href="https://lumen.example/help">help</a><img src="cid:logo@x">',
    );
    expect(html).toContain("<b>Dana</b>");
    expect(html).toContain("<blockquote>quoted</blockquote>");
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('src="cid:logo@x"');
  });

  it("turns HTML into readable text", () => {
    expect(
      htmlToText("<p>Hello&nbsp;<b>there</b></p><p>Line&#8203;2 &amp; more</p><ul><li>one</li><li>two</li></ul><script>x()</script>"),
    ).toBe("Hello there\nLine\u200b2 & more\n• one\n• two");
  });
});
