import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { z } from "zod";
import { DomainError, type FieldProblem, fromDatabaseError, toProblem } from "./errors";

/**
 * The one place errors become HTTP: RFC 9457 problem+json with a stable
 * `code`. Bad input is a 4xx that says what is wrong; anything unexpected is
 * logged and answered with a 500 that leaks nothing.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const domain = toDomainError(error);
    if (domain.status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.debug({ code: domain.code }, domain.message);
    return sendProblem(reply, domain, request.url);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new DomainError("not_found", `No route ${request.method} ${request.url.split("?")[0]}`), request.url),
  );
}

export function sendProblem(reply: FastifyReply, error: DomainError, instance?: string) {
  return reply
    .status(error.status)
    .type("application/problem+json; charset=utf-8")
    .send(JSON.stringify(toProblem(error, instance?.split("?")[0])));
}

function toDomainError(error: FastifyError): DomainError {
  if (error instanceof DomainError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? "body";
    const problems: FieldProblem[] = error.validation.map((v) => {
      const segments = v.instancePath.split("/").filter(Boolean);
      const path = [where, ...segments].join(".");
      const keys = (v.params as { keys?: string[] } | undefined)?.keys;
      return v.keyword === "unrecognized_keys"
        ? { path, message: `unknown field(s): ${keys?.join(", ")}`, code: "unknown_field" }
        : { path, message: v.message ?? "invalid", code: v.keyword };
    });
    return new DomainError("validation.failed", `The request ${where} is not valid`, {}, problems);
  }
  if (isResponseSerializationError(error)) return new DomainError("internal", "The server produced an invalid response");
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new DomainError("request.too_large", "The request body is too large");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new DomainError("request.unsupported_media_type", "This content type is not accepted here");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new DomainError("request.invalid_json", "The JSON body is empty");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new DomainError("request.invalid_json", "The Content-Length does not match the body");
    case "FST_ERR_RATE_LIMITED":
      return new DomainError("request.rate_limited", "Too many requests; slow down and try again shortly");
  }
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    return new DomainError("request.invalid_json", "The body is not valid JSON");
  }
  const fromDb = fromDatabaseError(error);
  if (fromDb) return fromDb;
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new DomainError("validation.failed", error.message);
  }
  return new DomainError("internal", "Something went wrong on our side; it has been logged");
}

/** Problem responses in OpenAPI. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
  })
  .loose()
  .meta({ id: "Problem" });

export const problemResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
  422: problemSchema,
} as const;

export const idParams = z.object({ id: z.uuid() }).strict();

export type Request = FastifyRequest;
