CREATE TYPE "public"."satisfaction_rating" AS ENUM('good', 'bad');--> statement-breakpoint
CREATE TABLE "commerce_webhook_secrets" (
	"workspace_id" uuid NOT NULL,
	"source" text NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "commerce_webhook_secrets_workspace_id_source_pk" PRIMARY KEY("workspace_id","source")
);
--> statement-breakpoint
CREATE TABLE "satisfaction_settings" (
	"workspace_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"delay_minutes" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "satisfaction_settings_workspace_id_desk_id_pk" PRIMARY KEY("workspace_id","desk_id")
);
--> statement-breakpoint
CREATE TABLE "satisfaction_surveys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"agent_id" uuid,
	"channel" text NOT NULL,
	"locale" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"offered_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"token_hash" text,
	"rating" "satisfaction_rating",
	"reason" text,
	"comment" text,
	"rated_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "pricing" jsonb;--> statement-breakpoint
ALTER TABLE "commerce_webhook_secrets" ADD CONSTRAINT "commerce_webhook_secrets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_settings" ADD CONSTRAINT "satisfaction_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_settings" ADD CONSTRAINT "satisfaction_settings_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_surveys" ADD CONSTRAINT "satisfaction_surveys_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_surveys_ticket" ON "satisfaction_surveys" USING btree ("workspace_id","ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_surveys_token" ON "satisfaction_surveys" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "satisfaction_surveys_due" ON "satisfaction_surveys" USING btree ("due_at") WHERE offered_at is null;--> statement-breakpoint
CREATE INDEX "satisfaction_surveys_rated" ON "satisfaction_surveys" USING btree ("workspace_id","rated_at");--> statement-breakpoint
CREATE INDEX "satisfaction_surveys_contact" ON "satisfaction_surveys" USING btree ("workspace_id","contact_id");