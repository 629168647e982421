CREATE TYPE "public"."kb_event_kind" AS ENUM('view', 'search', 'feedback', 'request_started', 'suggestion_opened', 'request_submitted', 'agent_inserted');--> statement-breakpoint
CREATE TYPE "public"."creative_state" AS ENUM('submitted', 'in_review', 'approved', 'changes_requested');--> statement-breakpoint
CREATE TABLE "kb_help_centers" (
	"desk_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"title" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"tagline" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"color" text DEFAULT '#4338ca' NOT NULL,
	"logo_file_id" uuid,
	"locales" text[] DEFAULT '{en}'::text[] NOT NULL,
	"hostname" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_articles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"section_id" uuid,
	"number" integer NOT NULL,
	"source_locale" text NOT NULL,
	"review_by" date,
	"position" integer DEFAULT 0 NOT NULL,
	"promoted" boolean DEFAULT false NOT NULL,
	"created_by_agent_id" uuid,
	"source_message_id" uuid,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" jsonb NOT NULL,
	"description" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"kind" "kb_event_kind" NOT NULL,
	"article_id" uuid,
	"locale" text NOT NULL,
	"visitor_id" text,
	"journey_id" text,
	"query" text,
	"result_count" integer,
	"helpful" boolean,
	"ticket_id" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_feedback" (
	"workspace_id" uuid NOT NULL,
	"article_id" uuid NOT NULL,
	"visitor_id" text NOT NULL,
	"locale" text NOT NULL,
	"helpful" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kb_feedback_article_id_visitor_id_pk" PRIMARY KEY("article_id","visitor_id")
);
--> statement-breakpoint
CREATE TABLE "kb_files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"article_id" uuid,
	"listed" boolean DEFAULT false NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_sections" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"category_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_article_translations" (
	"workspace_id" uuid NOT NULL,
	"article_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"locale" text NOT NULL,
	"latest_version" integer NOT NULL,
	"published_version" integer,
	"title" text DEFAULT '' NOT NULL,
	"slug" text DEFAULT '' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"body_html" text DEFAULT '' NOT NULL,
	"body_text" text DEFAULT '' NOT NULL,
	"search_config" "regconfig" NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"number" integer NOT NULL,
	"promoted" boolean DEFAULT false NOT NULL,
	"search_title" "tsvector" GENERATED ALWAYS AS (to_tsvector(search_config, title)) STORED,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector(search_config, title), 'A') || setweight(to_tsvector(search_config, summary), 'B') || setweight(to_tsvector(search_config, body_text), 'C')) STORED,
	"published_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kb_article_translations_article_id_locale_pk" PRIMARY KEY("article_id","locale")
);
--> statement-breakpoint
CREATE TABLE "kb_article_versions" (
	"workspace_id" uuid NOT NULL,
	"article_id" uuid NOT NULL,
	"locale" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"body_html" text NOT NULL,
	"author_agent_id" uuid,
	"note" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kb_article_versions_article_id_locale_number_pk" PRIMARY KEY("article_id","locale","number")
);
--> statement-breakpoint
CREATE TABLE "kb_search_words" (
	"workspace_id" uuid NOT NULL,
	"locale" text NOT NULL,
	"word" text NOT NULL,
	CONSTRAINT "kb_search_words_workspace_id_locale_word_pk" PRIMARY KEY("workspace_id","locale","word")
);
--> statement-breakpoint
CREATE TABLE "portal_creative_requests" (
	"ticket_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"state" "creative_state" DEFAULT 'submitted' NOT NULL,
	"brief" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"decided_by_agent_id" uuid,
	"decision_note" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "portal_creative_requests_ticket_id_pk" PRIMARY KEY("ticket_id")
);
--> statement-breakpoint
CREATE TABLE "portal_sign_in_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"email" text NOT NULL,
	"locale" text NOT NULL,
	"return_to" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "portal_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_uploads" (
	"attachment_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "kb_help_centers" ADD CONSTRAINT "kb_help_centers_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_help_centers" ADD CONSTRAINT "kb_help_centers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_articles" ADD CONSTRAINT "kb_articles_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_articles" ADD CONSTRAINT "kb_articles_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_articles" ADD CONSTRAINT "kb_articles_section_id_kb_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."kb_sections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_articles" ADD CONSTRAINT "kb_articles_created_by_agent_id_agents_id_fk" FOREIGN KEY ("created_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_categories" ADD CONSTRAINT "kb_categories_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_categories" ADD CONSTRAINT "kb_categories_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_events" ADD CONSTRAINT "kb_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_feedback" ADD CONSTRAINT "kb_feedback_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_feedback" ADD CONSTRAINT "kb_feedback_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_files" ADD CONSTRAINT "kb_files_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_files" ADD CONSTRAINT "kb_files_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_files" ADD CONSTRAINT "kb_files_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_sections" ADD CONSTRAINT "kb_sections_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_sections" ADD CONSTRAINT "kb_sections_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_sections" ADD CONSTRAINT "kb_sections_category_id_kb_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."kb_categories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_article_translations" ADD CONSTRAINT "kb_article_translations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_article_translations" ADD CONSTRAINT "kb_article_translations_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_article_versions" ADD CONSTRAINT "kb_article_versions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_article_versions" ADD CONSTRAINT "kb_article_versions_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_article_versions" ADD CONSTRAINT "kb_article_versions_author_agent_id_agents_id_fk" FOREIGN KEY ("author_agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_search_words" ADD CONSTRAINT "kb_search_words_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_creative_requests" ADD CONSTRAINT "portal_creative_requests_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_creative_requests" ADD CONSTRAINT "portal_creative_requests_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_creative_requests" ADD CONSTRAINT "portal_creative_requests_decided_by_agent_id_agents_id_fk" FOREIGN KEY ("decided_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sign_in_links" ADD CONSTRAINT "portal_sign_in_links_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sign_in_links" ADD CONSTRAINT "portal_sign_in_links_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sessions" ADD CONSTRAINT "portal_sessions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sessions" ADD CONSTRAINT "portal_sessions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_uploads" ADD CONSTRAINT "portal_uploads_attachment_id_attachments_id_fk" FOREIGN KEY ("attachment_id") REFERENCES "public"."attachments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_uploads" ADD CONSTRAINT "portal_uploads_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_uploads" ADD CONSTRAINT "portal_uploads_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kb_help_centers_hostname" ON "kb_help_centers" USING btree ("hostname");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_articles_number" ON "kb_articles" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE INDEX "kb_articles_desk" ON "kb_articles" USING btree ("workspace_id","desk_id","section_id","position");--> statement-breakpoint
CREATE INDEX "kb_articles_review" ON "kb_articles" USING btree ("workspace_id","review_by") WHERE "kb_articles"."archived_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "kb_categories_desk_key" ON "kb_categories" USING btree ("workspace_id","desk_id","key");--> statement-breakpoint
CREATE INDEX "kb_events_desk" ON "kb_events" USING btree ("workspace_id","desk_id","kind","created_at");--> statement-breakpoint
CREATE INDEX "kb_events_article" ON "kb_events" USING btree ("workspace_id","article_id","kind");--> statement-breakpoint
CREATE INDEX "kb_events_journey" ON "kb_events" USING btree ("workspace_id","journey_id") WHERE "kb_events"."journey_id" is not null;--> statement-breakpoint
CREATE INDEX "kb_events_visitor" ON "kb_events" USING btree ("workspace_id","visitor_id","created_at");--> statement-breakpoint
CREATE INDEX "kb_files_article" ON "kb_files" USING btree ("workspace_id","article_id");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_sections_desk_key" ON "kb_sections" USING btree ("workspace_id","desk_id","key");--> statement-breakpoint
CREATE INDEX "kb_sections_category" ON "kb_sections" USING btree ("workspace_id","category_id");--> statement-breakpoint
CREATE INDEX "kb_translations_search" ON "kb_article_translations" USING gin ("search_vector") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "kb_translations_title" ON "kb_article_translations" USING gin ("search_title") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "kb_search_words_trgm" ON "kb_search_words" USING gin ("word" gin_trgm_ops) WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "portal_creative_state" ON "portal_creative_requests" USING btree ("workspace_id","state");--> statement-breakpoint
CREATE INDEX "portal_links_email" ON "portal_sign_in_links" USING btree ("workspace_id","email","created_at");--> statement-breakpoint
CREATE INDEX "portal_sessions_contact" ON "portal_sessions" USING btree ("workspace_id","contact_id");--> statement-breakpoint
CREATE INDEX "portal_uploads_contact" ON "portal_uploads" USING btree ("workspace_id","contact_id");