/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, or the server under a
 * benchmark with BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof"): self and
 * inclusive time by function and by package, so "where does a message's CPU
 * go" is answered by package (mailparser, franc, drizzle-orm…) and by our own
 * module, not by reading flame graphs.
 *
 *   node --import tsx bench/profile-summary.ts prof/CPU.….cpuprofile [--top 40] [--filter franc]
 *
 * Inclusive time counts a function once per sample however often it recurs
 * on the stack. Idle time (the event loop waiting) is reported apart.
 */
import { readFileSync } from "node:fs";
import { arg } from "./lib";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv.slice(2).find((a) => a.endsWith(".cpuprofile"));
if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [--top N] [--filter text]");
const top = Number(arg("top", "40"));
const filter = arg("filter", "");
/** With --callers <package>: that package's time, charged to the nearest caller in our own src/ (who asks zod or drizzle for it). */
const callersOf = arg("callers", "");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

/** node_modules/<package> (scoped too), our src/<area>/<module>, node's own, or V8's pseudo-frames. */
function packageOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return `(${frame.functionName || "native"})`;
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith("node:")) return "node";
  const src = url.indexOf("/src/");
  if (src >= 0)
    return url
      .slice(src + 1)
      .split("/")
      .slice(0, 3)
      .join("/")
      .replace(/\.ts$/, "");
  return url.replace(/^file:\/\//, "");
}

const keyOf = (f: CallFrame) =>
  `${f.functionName || "(anonymous)"}  ${f.url.replace(/^.*\/(node_modules|src)\//, "$1/")}:${f.lineNumber + 1}`;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<string, number>();
const selfPkg = new Map<string, number>();
const incl = new Map<string, number>();
const callers = new Map<string, number>();
const inclPkg = new Map<string, number>();
let total = 0;
let idle = 0;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

for (let i = 0; i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // the delta after a sample is the time it stands for
  const leaf = byId.get(profile.samples[i]!)!;
  if (leaf.callFrame.functionName === "(idle)") {
    idle += dt;
    continue;
  }
  total += dt;
  add(self, keyOf(leaf.callFrame), dt);
  add(selfPkg, packageOf(leaf.callFrame), dt);
  if (callersOf) {
    let inside = false;
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      const p = packageOf(frame);
      if (p === callersOf) inside = true;
      else if (inside && p.startsWith("src/")) {
        add(callers, keyOf(frame), dt);
        break;
      }
    }
  }
  const seen = new Set<string>();
  const seenPkg = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!.callFrame;
    const k = keyOf(frame);
    if (!seen.has(k)) (seen.add(k), add(incl, k, dt));
    const p = packageOf(frame);
    if (!seenPkg.has(p)) (seenPkg.add(p), add(inclPkg, p, dt));
  }
}

const table = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  const rows = [...m].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]);
  for (const [k, ms] of rows.slice(0, top))
    console.log(`  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${k}`);
};

console.log(`${file}\nbusy ${total.toFixed(0)} ms, idle ${idle.toFixed(0)} ms`);
table("self time by package", selfPkg);
table("inclusive time by package", inclPkg);
table("self time by function", self);
table("inclusive time by function", incl);
if (callersOf) table(`${callersOf}: time by nearest caller in src/`, callers);
