import type { Logger } from "../../platform/logger";
import type { Mailer } from "../../platform/mailer";

/**
 * What outbound delivery needs from the composed app beyond a Ctx: the
 * mailer and the public address. Reactors receive only a Ctx, so the app
 * sets this once when it opens (one app per process; tests open one per file).
 */
export interface ChannelRuntime {
  mailer: Mailer;
  mailFrom: string;
  publicUrl: string;
  log?: Logger;
  /** Where provider HTTP calls go; tests point it at local fakes through desk address settings instead. */
  fetch?: typeof fetch;
}

let current: ChannelRuntime | undefined;

export function setChannelRuntime(runtime: ChannelRuntime): void {
  current = runtime;
}

export function channelRuntime(): ChannelRuntime {
  if (!current) throw new Error("the channel runtime is not set: open the app first");
  return current;
}
