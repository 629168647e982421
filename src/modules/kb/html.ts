/**
 * Server-rendered HTML without a framework: a tagged template that escapes
 * every interpolated value unless it is already `Html`. Components are
 * plain functions returning `Html`, so markup is typed and composable and
 * nothing reaches the page unescaped by accident.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Child = Html | string | number | null | undefined | false | readonly Child[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(child: Child): string {
  if (child === null || child === undefined || child === false) return "";
  if (child instanceof Html) return child.value;
  if (Array.isArray(child)) return child.map(render).join("");
  return escapeHtml(String(child));
}

export function html(strings: TemplateStringsArray, ...values: Child[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup that is already safe: sanitised article bodies, our own constants. */
export const trusted = (value: string) => new Html(value);

/** JSON inside a <script> element: `<` escaped so `</script>` cannot end it. */
export const scriptJson = (value: unknown) =>
  new Html(
    JSON.stringify(value)
      .replace(/</g, "\\u003c")
      .replace(/\u2028|\u2029/g, ""),
  );
