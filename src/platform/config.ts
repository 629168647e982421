import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

/**
 * Configuration is read once, at start, from the environment and an optional
 * JSON file, and validated as a whole so that an operator sees every mistake
 * at once, each with the setting's name — never a crash later in a request.
 *
 * Precedence: environment > file > defaults.
 */

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .union([z.boolean(), z.enum(["true", "false", "1", "0", "yes", "no"])])
  .transform((v) => v === true || v === "true" || v === "1" || v === "yes");

const configSchema = z
  .object({
    /** PostgreSQL connection string. Absent: the embedded database (PGlite) in `dataDir`. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
      .optional(),
    dataDir: z.string().min(1).default("./data"),
    host: z.string().min(1).default("127.0.0.1"),
    port: port.default(3000),
    /** The address users reach Usher at; used in links, cookies and CORS. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Requests per minute per API token, session or address. */
    apiRateLimit: positiveInt.default(1200),
    /** Sign-in attempts per 15 minutes per address and e-mail. */
    signInRateLimit: positiveInt.default(10),
    maxBodyBytes: positiveInt.default(1024 * 1024),
    maxAttachmentBytes: positiveInt.default(20 * 1024 * 1024),
    sessionDays: positiveInt.default(14),
    /** Trust X-Forwarded-* headers (behind a reverse proxy). */
    trustProxy: bool.default(false),
    workerConcurrency: positiveInt.default(4),
    /**
     * What the process's JavaScript heap favours: `small` (collect sooner, a
     * small young generation) or `fast` (V8's defaults, sized from the
     * machine's memory). Absent: small on the embedded database — the
     * all-in-one install, where memory is the limit — and fast on PostgreSQL.
     */
    memory: z.enum(["small", "fast"]).optional(),
    /** Connections per process to PostgreSQL. */
    databasePoolSize: positiveInt.max(500).default(20),
    /** Outbound mail server, e.g. smtp://user:pass@mail.example:587; absent: mail stays in an in-memory outbox. */
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
      .optional(),
    /** Default From address of outbound mail. */
    mailFrom: z.string().min(3).default("Usher <usher@localhost>"),
    /** Workspace (slug) whose help center answers on host names no help center claims; absent: the only workspace, if there is one. */
    helpCenterWorkspace: z.string().min(1).max(48).optional(),
    /** Stripe (or Stripe-compatible) secret key; payments recorded with gateway "stripe" are refunded through it. */
    stripeSecretKey: z.string().min(8).optional(),
    stripeApiBase: z.url({ protocol: /^https?$/ }).default("https://api.stripe.com"),
    /** Eventbrite private token and organisation id for `usher sync-eventbrite`. */
    eventbriteToken: z.string().min(8).optional(),
    eventbriteOrganizationId: z.string().regex(/^\d+$/, "digits").optional(),
    eventbriteApiBase: z.url({ protocol: /^https?$/ }).default("https://www.eventbriteapi.com"),
    /** Port of the inbound SMTP listener for desk addresses (MX or relay points here); absent: no listener. */
    smtpListenPort: port.optional(),
    smtpListenHost: z.string().min(1).default("0.0.0.0"),
    /** Largest inbound e-mail accepted (announced in EHLO; larger ones get 552). */
    maxInboundMailBytes: positiveInt.default(30 * 1024 * 1024),
    /** Messages per sender per hour before more are treated as a mail loop (stored, flagged, never answered). */
    maxMailsPerSenderPerHour: positiveInt.default(60),
    /** How often IMAP mailboxes configured on desk addresses are polled, in seconds. */
    imapPollSeconds: positiveInt.default(60),
  })
  .strict();

export type Config = z.infer<typeof configSchema> & { publicUrl: string; memory: "small" | "fast" };

/** Environment variable for each setting. */
const ENV: Record<keyof z.infer<typeof configSchema>, string> = {
  databaseUrl: "DATABASE_URL",
  dataDir: "USHER_DATA_DIR",
  host: "HOST",
  port: "PORT",
  publicUrl: "USHER_PUBLIC_URL",
  logLevel: "USHER_LOG_LEVEL",
  apiRateLimit: "USHER_API_RATE_LIMIT",
  signInRateLimit: "USHER_SIGN_IN_RATE_LIMIT",
  maxBodyBytes: "USHER_MAX_BODY_BYTES",
  maxAttachmentBytes: "USHER_MAX_ATTACHMENT_BYTES",
  sessionDays: "USHER_SESSION_DAYS",
  trustProxy: "USHER_TRUST_PROXY",
  workerConcurrency: "USHER_WORKER_CONCURRENCY",
  memory: "USHER_MEMORY",
  databasePoolSize: "USHER_DATABASE_POOL_SIZE",
  smtpUrl: "USHER_SMTP_URL",
  mailFrom: "USHER_MAIL_FROM",
  helpCenterWorkspace: "USHER_HELP_CENTER_WORKSPACE",
  stripeSecretKey: "USHER_STRIPE_SECRET_KEY",
  stripeApiBase: "USHER_STRIPE_API_BASE",
  eventbriteToken: "USHER_EVENTBRITE_TOKEN",
  eventbriteOrganizationId: "USHER_EVENTBRITE_ORGANIZATION_ID",
  eventbriteApiBase: "USHER_EVENTBRITE_API_BASE",
  smtpListenPort: "USHER_SMTP_LISTEN_PORT",
  smtpListenHost: "USHER_SMTP_LISTEN_HOST",
  maxInboundMailBytes: "USHER_MAX_INBOUND_MAIL_BYTES",
  maxMailsPerSenderPerHour: "USHER_MAX_MAILS_PER_SENDER_PER_HOUR",
  imapPollSeconds: "USHER_IMAP_POLL_SECONDS",
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Usher cannot start, the configuration has ${problems.length === 1 ? "a mistake" : `${problems.length} mistakes`}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<keyof typeof ENV, unknown>> = {},
  options: { defaultFile?: string | false } = {},
): Config {
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  const defaultFile = options.defaultFile === undefined ? "usher.config.json" : options.defaultFile;
  const file = env.USHER_CONFIG ?? (defaultFile && existsSync(defaultFile) ? defaultFile : undefined);
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(resolve(file), "utf8"));
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        problems.push(`${file}: must hold a JSON object`);
      } else {
        fromFile = parsed as Record<string, unknown>;
      }
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }

  const raw: Record<string, unknown> = { ...fromFile };
  for (const [key, name] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) raw[key] = value;
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? "");
      const envName = ENV[key as keyof typeof ENV];
      const where = envName ? `${envName} (${key})` : key || "config";
      const shown = key in raw ? ` — got ${JSON.stringify(raw[key])}` : "";
      problems.push(
        issue.code === "unrecognized_keys"
          ? `unknown setting(s) ${issue.keys.join(", ")} in ${file ?? "configuration"}`
          : `${where}: ${issue.message}${shown}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config = result.data!;
  return {
    ...config,
    memory: config.memory ?? (config.databaseUrl ? "fast" : "small"),
    publicUrl: (config.publicUrl ?? `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`).replace(/\/$/, ""),
  };
}
