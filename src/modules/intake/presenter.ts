import { z } from "zod";
import { isoRequired, timestamp } from "../../platform/present";
import type { ClassifierRuleRow } from "./schema";

export const classifierRuleSchema = z
  .object({
    id: z.string(),
    deskId: z.string(),
    categoryId: z.string(),
    keywords: z.array(z.string()),
    weight: z.number(),
    position: z.number(),
    createdAt: timestamp,
  })
  .meta({ id: "ClassifierRule" });

export const presentClassifierRule = (r: ClassifierRuleRow): z.infer<typeof classifierRuleSchema> => ({
  id: r.id,
  deskId: r.deskId,
  categoryId: r.categoryId,
  keywords: r.keywords,
  weight: r.weight,
  position: r.position,
  createdAt: isoRequired(r.createdAt),
});
