import { and, asc, eq } from "drizzle-orm";
import { type Ctx, afterCommit, inTransaction } from "../../platform/context";
import { invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { recordActivity } from "../activity/service";
import { getCategory, getDesk } from "../desks/service";
import { authorize } from "../identity/policy";
import { forgetRules } from "./classifier";
import { type ClassifierRuleRow, classifierRules } from "./schema";

export interface NewClassifierRule {
  categoryId: string;
  keywords: string[];
  weight?: number;
  position?: number;
}

export async function listClassifierRules(ctx: Ctx, deskId: string): Promise<ClassifierRuleRow[]> {
  authorize(ctx.actor, "workspace.admin");
  await getDesk(ctx, deskId);
  return ctx.db
    .select()
    .from(classifierRules)
    .where(and(eq(classifierRules.workspaceId, ctx.workspaceId), eq(classifierRules.deskId, deskId)))
    .orderBy(asc(classifierRules.position), asc(classifierRules.createdAt));
}

function cleanKeywords(keywords: string[]): string[] {
  const out = [...new Set(keywords.map((k) => k.trim().toLowerCase().normalize("NFKC")).filter(Boolean))];
  if (out.length === 0) throw invalid([{ path: "keywords", message: "at least one keyword" }]);
  return out;
}

export async function createClassifierRule(ctx: Ctx, deskId: string, input: NewClassifierRule): Promise<ClassifierRuleRow> {
  authorize(ctx.actor, "workspace.admin");
  const keywords = cleanKeywords(input.keywords);
  return inTransaction(ctx, async (tx) => {
    await getDesk(tx, deskId);
    const category = await getCategory(tx, input.categoryId).catch(() => undefined);
    if (!category || category.deskId !== deskId) throw invalid([{ path: "categoryId", message: "no such category on this desk" }]);
    const [row] = await tx.db
      .insert(classifierRules)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        deskId,
        categoryId: category.id,
        keywords,
        weight: input.weight ?? 1,
        position: input.position ?? 0,
        createdAt: tx.clock.now(),
      })
      .returning();
    await recordActivity(tx, {
      type: "desk.classifier_rule_added",
      subjectType: "desk",
      subjectId: deskId,
      data: { ruleId: row!.id, categoryId: category.id, keywords },
    });
    forgetRulesOf(tx, deskId);
    return row!;
  });
}

export async function deleteClassifierRule(ctx: Ctx, deskId: string, ruleId: string): Promise<void> {
  authorize(ctx.actor, "workspace.admin");
  await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .delete(classifierRules)
      .where(and(eq(classifierRules.workspaceId, tx.workspaceId), eq(classifierRules.deskId, deskId), eq(classifierRules.id, ruleId)))
      .returning();
    if (!row) throw notFound("classifier rule", ruleId);
    await recordActivity(tx, { type: "desk.classifier_rule_removed", subjectType: "desk", subjectId: deskId, data: { ruleId } });
    forgetRulesOf(tx, deskId);
  });
}

/**
 * Now, for this process's next message; and again once the change commits,
 * because a message classified meanwhile on another connection read the
 * rules as they were and kept them.
 */
function forgetRulesOf(tx: Ctx, deskId: string): void {
  forgetRules(deskId);
  afterCommit(tx, () => forgetRules(deskId));
}
