import { z } from "zod";
import type { ViewDef } from "./service";

export const viewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["builtin", "category", "custom"]),
    key: z.string().nullable(),
    name: z.string(),
    deskId: z.string().nullable(),
    shared: z.boolean(),
    conditions: z.record(z.string(), z.unknown()),
    sort: z.string(),
    editable: z.boolean(),
  })
  .meta({ id: "View" });

export const presentView = (v: ViewDef): z.infer<typeof viewSchema> => ({
  id: v.id,
  kind: v.kind,
  key: v.key,
  name: v.name,
  deskId: v.deskId,
  shared: v.shared,
  conditions: v.conditions as Record<string, unknown>,
  sort: v.sort,
  editable: v.editable,
});
