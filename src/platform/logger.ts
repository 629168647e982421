import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    // Card numbers are redacted before storage; secrets must not reach logs either.
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.token", "*.sessionId"], censor: "[redacted]" },
  });
}
