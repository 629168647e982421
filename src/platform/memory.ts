import { setFlagsFromString } from "node:v8";
import type { Config } from "./config";

/**
 * Tunes the JavaScript heap for `config.memory`. With V8's defaults on a
 * machine with gigabytes to spare, the heap lets garbage grow to several
 * times what is live before collecting (a growing factor of up to 4 once the
 * heap limit passes 2 GB) and keeps a 32 MB young generation: the
 * all-in-one process on the embedded database measured 386–473 MB resident
 * with 100,000 tickets, of which 75–250 MB was JavaScript heap, most of it
 * garbage. `--optimize-for-size` collects sooner and keeps the young
 * generation small: 351–359 MB in the same benchmark (docs/benchmarks.md).
 *
 * The flags are read by each collection, so setting them after the process
 * started works for what follows; it is called before the database opens
 * and the first request arrives.
 */
export function applyMemoryProfile(config: Pick<Config, "memory">): void {
  if (config.memory === "small") setFlagsFromString("--optimize-for-size");
}
