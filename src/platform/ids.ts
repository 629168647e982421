import { v7 } from "uuid";

/**
 * Time-ordered UUIDs (v7), generated in the application because PostgreSQL 15
 * has no uuidv7(). Their order keeps B-tree inserts local and makes the id a
 * stable tie-breaker for keyset pagination.
 */
export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);
