import { type Ctx, afterCommit } from "../../platform/context";

/**
 * Who an API token stands for, remembered for `TRUST_MS`: looking it up was a
 * round trip on every API call, the first of every script's request.
 *
 * A change here to an agent (role, desks, teams, status) or a token
 * (revoked) forgets every entry, when it is made and again when it commits,
 * so this process applies it at once. Another process applies it within
 * `TRUST_MS` (docs/security.md).
 */
export const TRUST_MS = 2_000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: T;
  at: number;
}

const entries = new Map<string, Entry<unknown>>();

export function recall<T>(tokenHash: string): T | undefined {
  const entry = entries.get(tokenHash);
  if (!entry) return undefined;
  if (performance.now() - entry.at > TRUST_MS) {
    entries.delete(tokenHash);
    return undefined;
  }
  return entry.value as T;
}

export function keep<T>(tokenHash: string, value: T, since: number): void {
  // An entry read before the latest forgetting is older than the change that caused it.
  if (since < forgottenAt) return;
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(tokenHash, { value, at: since });
}

let forgottenAt = 0;

/** Call in the transaction that changes an agent's access or a token. */
export function forgetTokens(ctx: Ctx): void {
  const forget = () => {
    entries.clear();
    forgottenAt = performance.now();
  };
  forget();
  afterCommit(ctx, forget);
}
