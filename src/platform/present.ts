import { z } from "zod";

/** Dates leave the API as ISO 8601 strings in UTC. */
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
export const isoRequired = (d: Date): string => d.toISOString();

export const timestamp = z.string().meta({ format: "date-time" });
export const nullableTimestamp = timestamp.nullable();
