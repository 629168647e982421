import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { archivedQuery, keySchema, languageSchema, listOf, timezoneSchema } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import {
  addressSchema,
  categorySchema,
  customFieldSchema,
  deskSchema,
  presentAddress,
  presentCategory,
  presentCustomField,
  presentDesk,
} from "./presenter";
import { addressChannels, customFieldTypes, deskKinds } from "./schema";
import {
  addDeskAddress,
  createCategory,
  createCustomField,
  createDesk,
  getDesk,
  listCategories,
  listCustomFields,
  listDeskAddresses,
  listDesks,
  removeDeskAddress,
  updateDeskAddress,
  updateCategory,
  updateCustomField,
  updateDesk,
} from "./service";

const key = keySchema;

const deskBody = z
  .object({
    key,
    name: z.string().trim().min(1).max(200),
    kind: z.enum(deskKinds).optional(),
    defaultLanguage: languageSchema.optional(),
    timezone: timezoneSchema.optional(),
    description: z.string().max(2000).nullable().optional(),
  })
  .strict();

const categoryBody = z
  .object({
    key,
    name: z.string().trim().min(1).max(200),
    parentId: z.uuid().nullable().optional(),
    position: z.number().int().min(0).max(10000).optional(),
  })
  .strict();

const fieldOption = z.object({ value: z.string().min(1).max(100), label: z.string().min(1).max(200) }).strict();
const fieldValidation = z
  .object({
    min: z.number().optional(),
    max: z.number().optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).optional(),
    pattern: z.string().max(500).optional(),
  })
  .strict();
const customFieldBody = z
  .object({
    key: z.string().regex(/^[a-z0-9_]{1,64}$/, "lower-case letters, digits and _"),
    label: z.string().trim().min(1).max(200),
    type: z.enum(customFieldTypes),
    required: z.boolean().optional(),
    public: z.boolean().optional(),
    options: z.array(fieldOption).max(500).optional(),
    validation: fieldValidation.optional(),
    position: z.number().int().min(0).max(10000).optional(),
  })
  .strict();

const deskParams = z.object({ deskId: z.uuid() }).strict();
const list = listOf;

export async function deskRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["desks"];

  app.get(
    "/api/v1/desks",
    { schema: { tags, querystring: archivedQuery, response: { 200: list(deskSchema), ...problemResponses } } },
    async (request) => ({
      items: (await listDesks(ctxOf(request), { includeArchived: request.query.includeArchived === "true" })).map(presentDesk),
    }),
  );
  app.get(
    "/api/v1/desks/:id",
    { schema: { tags, params: idParams, response: { 200: deskSchema, ...problemResponses } } },
    async (request) => presentDesk(await getDesk(ctxOf(request), request.params.id)),
  );
  app.post(
    "/api/v1/desks",
    { schema: { tags, body: deskBody, response: { 201: deskSchema, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(presentDesk(await createDesk(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/desks/:id",
    {
      schema: {
        tags,
        params: idParams,
        body: deskBody.omit({ key: true }).partial().extend({ archived: z.boolean().optional() }).strict(),
        response: { 200: deskSchema, ...problemResponses },
      },
    },
    async (request) => presentDesk(await updateDesk(ctxOf(request), request.params.id, request.body)),
  );

  // Addresses: which e-mail addresses, numbers, pages and apps feed the desk.
  app.get(
    "/api/v1/desks/:deskId/addresses",
    { schema: { tags, params: deskParams, response: { 200: list(addressSchema), ...problemResponses } } },
    async (request) => ({ items: (await listDeskAddresses(ctxOf(request), request.params.deskId)).map(presentAddress) }),
  );
  app.post(
    "/api/v1/desks/:deskId/addresses",
    {
      schema: {
        tags,
        params: deskParams,
        body: z
          .object({
            channel: z.enum(addressChannels),
            address: z.string().min(1).max(320),
            displayName: z.string().max(200).nullable().optional(),
            settings: z.record(z.string(), z.unknown()).optional(),
          })
          .strict(),
        response: { 201: addressSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentAddress(await addDeskAddress(ctxOf(request), request.params.deskId, request.body))),
  );
  app.patch(
    "/api/v1/desks/:deskId/addresses/:id",
    {
      schema: {
        tags,
        params: z.object({ deskId: z.uuid(), id: z.uuid() }).strict(),
        body: z
          .object({
            displayName: z.string().max(200).nullable().optional(),
            settings: z.record(z.string(), z.unknown()).optional(),
          })
          .strict(),
        response: { 200: addressSchema, ...problemResponses },
      },
    },
    async (request) => presentAddress(await updateDeskAddress(ctxOf(request), request.params.deskId, request.params.id, request.body)),
  );
  app.delete(
    "/api/v1/desks/:deskId/addresses/:id",
    { schema: { tags, params: z.object({ deskId: z.uuid(), id: z.uuid() }).strict() } },
    async (request, reply) => {
      await removeDeskAddress(ctxOf(request), request.params.deskId, request.params.id);
      return reply.status(204).send();
    },
  );

  // Categories: a tree per desk.
  app.get(
    "/api/v1/desks/:deskId/categories",
    { schema: { tags, params: deskParams, querystring: archivedQuery, response: { 200: list(categorySchema), ...problemResponses } } },
    async (request) => ({
      items: (
        await listCategories(ctxOf(request), request.params.deskId, { includeArchived: request.query.includeArchived === "true" })
      ).map(presentCategory),
    }),
  );
  app.post(
    "/api/v1/desks/:deskId/categories",
    { schema: { tags, params: deskParams, body: categoryBody, response: { 201: categorySchema, ...problemResponses } } },
    async (request, reply) =>
      reply.status(201).send(presentCategory(await createCategory(ctxOf(request), request.params.deskId, request.body))),
  );
  app.patch(
    "/api/v1/categories/:id",
    {
      schema: {
        tags,
        params: idParams,
        body: categoryBody.omit({ key: true }).partial().extend({ archived: z.boolean().optional() }).strict(),
        response: { 200: categorySchema, ...problemResponses },
      },
    },
    async (request) => presentCategory(await updateCategory(ctxOf(request), request.params.id, request.body)),
  );

  // Custom fields: typed, validated, per desk.
  app.get(
    "/api/v1/desks/:deskId/custom-fields",
    { schema: { tags, params: deskParams, querystring: archivedQuery, response: { 200: list(customFieldSchema), ...problemResponses } } },
    async (request) => ({
      items: (
        await listCustomFields(ctxOf(request), request.params.deskId, { includeArchived: request.query.includeArchived === "true" })
      ).map(presentCustomField),
    }),
  );
  app.post(
    "/api/v1/desks/:deskId/custom-fields",
    { schema: { tags, params: deskParams, body: customFieldBody, response: { 201: customFieldSchema, ...problemResponses } } },
    async (request, reply) =>
      reply.status(201).send(presentCustomField(await createCustomField(ctxOf(request), request.params.deskId, request.body))),
  );
  app.patch(
    "/api/v1/custom-fields/:id",
    {
      schema: {
        tags,
        params: idParams,
        body: customFieldBody.omit({ key: true, type: true }).partial().extend({ archived: z.boolean().optional() }).strict(),
        response: { 200: customFieldSchema, ...problemResponses },
      },
    },
    async (request) => presentCustomField(await updateCustomField(ctxOf(request), request.params.id, request.body)),
  );
}
