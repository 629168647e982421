/**
 * Typed domain errors with stable codes. Services throw them; one Fastify
 * error handler renders them as RFC 9457 problem+json. Nothing matches on
 * messages: clients, tests and translations key on `code`.
 */

/** Every code maps to exactly one HTTP status — the single table of record. */
const STATUS_BY_CODE = {
  "validation.failed": 400,
  "request.invalid_json": 400,
  "request.unsupported_media_type": 415,
  "request.too_large": 413,
  "request.invalid_cursor": 400,
  "request.rate_limited": 429,
  "auth.unauthenticated": 401,
  "auth.invalid_credentials": 401,
  "auth.csrf_failed": 403,
  "auth.forbidden": 403,
  "auth.deactivated": 403,
  not_found: 404,
  "conflict.duplicate": 409,
  "conflict.version": 409,
  "conflict.concurrent": 409,
  "ticket.invalid_transition": 409,
  "ticket.merged": 409,
  "ticket.merge_invalid": 422,
  "ticket.split_invalid": 422,
  "ticket.invalid_reference": 422,
  "ticket.custom_field_invalid": 422,
  "message.attachment_invalid": 422,
  "attachment.too_large": 413,
  "attachment.type_not_allowed": 415,
  "contact.merge_invalid": 422,
  "agent.last_admin": 409,
  "desk.in_use": 409,
  "category.cycle": 422,
  "creative.invalid_transition": 409,
  "database.locked": 503,
  "refund.exceeds_paid": 422,
  "refund.already_refunded": 409,
  "refund.admission_scanned": 409,
  "refund.currency_mismatch": 422,
  "refund.not_eligible": 422,
  "exchange.not_eligible": 422,
  "exchange.unavailable": 409,
  "admission.invalid_state": 409,
  "subscription.invalid_transition": 409,
  "commerce.card_number_refused": 422,
  "commerce.request_decided": 409,
  "payment.gateway_failed": 502,
  "connector.failed": 502,
  "automation.in_use": 409,
  "incident.resolved": 409,
  "incident.ticket_elsewhere": 409,
  "rule.not_applicable": 422,
  "intake.unknown_endpoint": 404,
  "intake.rejected": 422,
  "webhook.signature_missing": 401,
  "webhook.signature_invalid": 403,
  /** Commerce webhooks: a wrong signature is a failed authentication (Stripe answers 400; a client retrying on 4xx is the same). */
  "webhook.signature_mismatch": 401,
  "webhook.signature_stale": 401,
  "channel.delivery_failed": 502,
  "satisfaction.link_invalid": 404,
  "satisfaction.expired": 410,
  "message.not_retriable": 409,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface FieldProblem {
  /** Dotted path into the request body or query, e.g. `customFields.seat`. */
  path: string;
  message: string;
  code?: string;
}

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
    this.name = "DomainError";
    this.status = STATUS_BY_CODE[code];
  }
}

export const notFound = (what: string, id?: string) =>
  new DomainError("not_found", id ? `${what} ${id} was not found` : `${what} was not found`, { resource: what, id });

export const forbidden = (message = "You do not have access to this") => new DomainError("auth.forbidden", message);

export const invalid = (errors: FieldProblem[], message = "The request has invalid fields") =>
  new DomainError("validation.failed", message, {}, errors);

export function statusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

export function toProblem(err: DomainError, instance?: string): Problem {
  return {
    type: `https://usher.dev/problems/${err.code.replace(/\./g, "/")}`,
    title: titleOf(err.code),
    status: err.status,
    code: err.code,
    detail: err.message,
    ...(instance ? { instance } : {}),
    ...(err.errors.length ? { errors: err.errors } : {}),
    ...err.details,
  };
}

function titleOf(code: ErrorCode): string {
  const [head, tail] = code.split(".");
  return `${head}${tail ? ` ${tail.replace(/_/g, " ")}` : ""}`.replace(/^./, (c) => c.toUpperCase());
}

/** PostgreSQL SQLSTATEs we translate instead of leaking as 500s. */
export function fromDatabaseError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return undefined;
  // drizzle wraps driver errors; the SQLSTATE is on the cause.
  const source = (err as { cause?: unknown } | undefined)?.cause ?? err;
  const code = (source as { code?: string } | undefined)?.code;
  const constraint = (source as { constraint?: string } | undefined)?.constraint;
  const where = constraint ? { constraint } : {};
  switch (code) {
    case "23505":
      return new DomainError("conflict.duplicate", "A record with the same unique value already exists", where);
    case "40001":
      // A row written optimistically changed meanwhile (usher_expect_version), or a serialisation failure: nothing was written; run it again.
      return new DomainError("conflict.concurrent", "The record changed while this request ran; nothing was written, try again");
    case "23503":
      return new DomainError("validation.failed", "A referenced record does not exist", where);
    case "22P02":
    case "22007":
    case "22008":
      return new DomainError("validation.failed", "A value has the wrong format");
    case "22001":
      return new DomainError("validation.failed", "A value is too long");
    default:
      return undefined;
  }
}
