import { createHash } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import { query } from "../../platform/db";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { sql } from "drizzle-orm";
import { recordActivity } from "../activity/service";
import { getDesk } from "../desks/service";
import { authorize } from "../identity/policy";
import { safeFilename } from "../tickets/messages";
import { type KbFileRow, kbFiles } from "./schema";
import { loadArticle } from "./articles";

/**
 * Images and downloads of articles, and help-center logos. A file is
 * public only when its article has a published translation (or it is the
 * desk's logo); drafts' images stay private.
 */
export type KbFileMeta = Omit<KbFileRow, "content">;

/** What a help center serves: pictures and documents, never anything a browser would run. */
const ALLOWED_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
  "text/csv",
  "application/zip",
  "video/mp4",
]);

export async function uploadKbFile(
  ctx: Ctx,
  input: { deskId: string; articleId?: string | null; filename: string; contentType: string; content: Buffer; listed?: boolean },
  limits: { maxBytes: number },
): Promise<KbFileMeta> {
  authorize(ctx.actor, "kb.write");
  await getDesk(ctx, input.deskId);
  if (input.articleId) {
    const article = await loadArticle(ctx, input.articleId);
    if (article.deskId !== input.deskId) throw invalid([{ path: "articleId", message: "the article belongs to another desk" }]);
  }
  if (input.content.length === 0) throw invalid([{ path: "content", message: "the file is empty" }]);
  if (input.content.length > limits.maxBytes) {
    throw new DomainError("attachment.too_large", `Files may be at most ${Math.floor(limits.maxBytes / 1048576)} MB`, {
      maxBytes: limits.maxBytes,
    });
  }
  const contentType = input.contentType.split(";")[0]!.trim().toLowerCase();
  // SVG can carry script; it is refused rather than sanitised.
  if (!ALLOWED_TYPES.has(contentType)) {
    throw new DomainError(
      "attachment.type_not_allowed",
      `Help-center files may be images, PDF, text, CSV, ZIP or MP4 (not ${contentType})`,
    );
  }
  const row: KbFileRow = {
    id: newId(),
    workspaceId: ctx.workspaceId,
    deskId: input.deskId,
    articleId: input.articleId ?? null,
    listed: input.listed ?? !contentType.startsWith("image/"),
    filename: safeFilename(input.filename),
    contentType,
    size: input.content.length,
    sha256: createHash("sha256").update(input.content).digest("hex"),
    content: input.content,
    createdAt: ctx.clock.now(),
  };
  await ctx.db.insert(kbFiles).values(row);
  await recordActivity(ctx, {
    type: "kb_file.uploaded",
    subjectType: input.articleId ? "kb_article" : "desk",
    subjectId: input.articleId ?? input.deskId,
    data: { fileId: row.id, filename: row.filename, size: row.size },
  });
  const { content: _c, ...meta } = row;
  return meta;
}

const metaColumns = {
  id: kbFiles.id,
  workspaceId: kbFiles.workspaceId,
  deskId: kbFiles.deskId,
  articleId: kbFiles.articleId,
  listed: kbFiles.listed,
  filename: kbFiles.filename,
  contentType: kbFiles.contentType,
  size: kbFiles.size,
  sha256: kbFiles.sha256,
  createdAt: kbFiles.createdAt,
};

export async function listArticleFiles(ctx: Ctx, articleId: string, options: { listedOnly?: boolean } = {}): Promise<KbFileMeta[]> {
  return ctx.db
    .select(metaColumns)
    .from(kbFiles)
    .where(
      and(
        eq(kbFiles.workspaceId, ctx.workspaceId),
        eq(kbFiles.articleId, articleId),
        options.listedOnly ? eq(kbFiles.listed, true) : undefined,
      ),
    )
    .orderBy(asc(kbFiles.createdAt));
}

/** A file as the public may have it: its article published, or it is the desk's logo. */
export async function getPublicKbFile(ctx: Ctx, deskId: string, id: string): Promise<KbFileRow> {
  const [row] = await query<{ id: string }>(
    ctx.db,
    sql`select f.id from kb_files f
        where f.workspace_id = ${ctx.workspaceId} and f.desk_id = ${deskId} and f.id = ${id}
          and (exists (select 1 from kb_article_translations t join kb_articles a on a.id = t.article_id
                       where t.article_id = f.article_id and t.published_version is not null and a.archived_at is null)
               or exists (select 1 from kb_help_centers h where h.desk_id = f.desk_id and h.logo_file_id = f.id))`,
  );
  if (!row) throw notFound("file", id);
  const [file] = await ctx.db.select().from(kbFiles).where(eq(kbFiles.id, id));
  return file!;
}

/** A file for agents (drafts' images included). */
export async function getKbFile(ctx: Ctx, id: string): Promise<KbFileRow> {
  authorize(ctx.actor, "kb.read");
  const [file] = await ctx.db
    .select()
    .from(kbFiles)
    .where(and(eq(kbFiles.workspaceId, ctx.workspaceId), eq(kbFiles.id, id)));
  if (!file) throw notFound("file", id);
  await getDesk(ctx, file.deskId).catch(() => {
    throw notFound("file", id);
  });
  return file;
}
