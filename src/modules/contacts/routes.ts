import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { cursorSchema, languageSchema, limitSchema, pageOf, timezoneSchema } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import { contactSchema, organisationSchema, presentContact, presentOrganisation } from "./presenter";
import { contactTiers, identityKinds } from "./schema";
import {
  addIdentity,
  createContact,
  createOrganisation,
  getContact,
  getOrganisation,
  listContacts,
  listOrganisations,
  mergeContacts,
  removeIdentity,
  updateContact,
  updateOrganisation,
} from "./service";

const identityBody = z
  .object({
    kind: z.enum(identityKinds),
    value: z.string().min(1).max(320),
    provider: z.string().max(100).optional(),
    verified: z.boolean().optional(),
  })
  .strict();

const contactBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    identities: z.array(identityBody).max(20).optional(),
    organisationId: z.uuid().nullable().optional(),
    tier: z.enum(contactTiers).optional(),
    locale: languageSchema.nullable().optional(),
    timezone: timezoneSchema.nullable().optional(),
    notes: z.string().max(10_000).nullable().optional(),
    attributes: z.record(z.string().max(64), z.unknown()).optional(),
  })
  .strict();

const organisationBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    domains: z.array(z.string().max(253)).max(50).optional(),
    tier: z.enum(contactTiers).optional(),
    notes: z.string().max(10_000).nullable().optional(),
  })
  .strict();

export async function contactRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["contacts"];

  app.get(
    "/api/v1/contacts",
    {
      schema: {
        tags,
        summary: "Contacts; q matches names and the start of e-mail, phone or handle",
        querystring: z
          .object({
            q: z.string().max(200).optional(),
            organisationId: z.uuid().optional(),
            tier: z.enum(contactTiers).optional(),
            cursor: cursorSchema.optional(),
            limit: limitSchema.optional(),
          })
          .strict(),
        response: { 200: pageOf(contactSchema), ...problemResponses },
      },
    },
    async (request) => {
      const page = await listContacts(ctxOf(request), request.query);
      return { items: page.items.map(presentContact), nextCursor: page.nextCursor };
    },
  );
  app.get(
    "/api/v1/contacts/:id",
    { schema: { tags, params: idParams, response: { 200: contactSchema, ...problemResponses } } },
    async (request) => presentContact(await getContact(ctxOf(request), request.params.id)),
  );
  app.post(
    "/api/v1/contacts",
    { schema: { tags, body: contactBody, response: { 201: contactSchema, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(presentContact(await createContact(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/contacts/:id",
    {
      schema: {
        tags,
        params: idParams,
        body: contactBody.omit({ identities: true }).strict(),
        response: { 200: contactSchema, ...problemResponses },
      },
    },
    async (request) => presentContact(await updateContact(ctxOf(request), request.params.id, request.body)),
  );
  app.post(
    "/api/v1/contacts/:id/identities",
    { schema: { tags, params: idParams, body: identityBody, response: { 201: contactSchema, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(presentContact(await addIdentity(ctxOf(request), request.params.id, request.body))),
  );
  app.delete(
    "/api/v1/contacts/:id/identities/:identityId",
    {
      schema: {
        tags,
        params: z.object({ id: z.uuid(), identityId: z.uuid() }).strict(),
        response: { 200: contactSchema, ...problemResponses },
      },
    },
    async (request) => presentContact(await removeIdentity(ctxOf(request), request.params.id, request.params.identityId)),
  );
  app.post(
    "/api/v1/contacts/:id/merge",
    {
      schema: {
        tags,
        summary: "Merge another contact into this one: identities move, tickets follow",
        params: idParams,
        body: z.object({ sourceId: z.uuid() }).strict(),
        response: { 200: contactSchema, ...problemResponses },
      },
    },
    async (request) => presentContact(await mergeContacts(ctxOf(request), request.params.id, request.body.sourceId)),
  );

  app.get(
    "/api/v1/organisations",
    {
      schema: {
        tags,
        querystring: z
          .object({
            q: z.string().max(200).optional(),
            tier: z.enum(contactTiers).optional(),
            cursor: cursorSchema.optional(),
            limit: limitSchema.optional(),
          })
          .strict(),
        response: { 200: pageOf(organisationSchema), ...problemResponses },
      },
    },
    async (request) => {
      const page = await listOrganisations(ctxOf(request), request.query);
      return { items: page.items.map(presentOrganisation), nextCursor: page.nextCursor };
    },
  );
  app.get(
    "/api/v1/organisations/:id",
    { schema: { tags, params: idParams, response: { 200: organisationSchema, ...problemResponses } } },
    async (request) => presentOrganisation(await getOrganisation(ctxOf(request), request.params.id)),
  );
  app.post(
    "/api/v1/organisations",
    { schema: { tags, body: organisationBody, response: { 201: organisationSchema, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(presentOrganisation(await createOrganisation(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/organisations/:id",
    {
      schema: {
        tags,
        params: idParams,
        body: organisationBody.partial().strict(),
        response: { 200: organisationSchema, ...problemResponses },
      },
    },
    async (request) => presentOrganisation(await updateOrganisation(ctxOf(request), request.params.id, request.body)),
  );
}
