CREATE TYPE "public"."admission_state" AS ENUM('valid', 'scanned', 'transferred', 'refunded', 'exchanged');--> statement-breakpoint
CREATE TYPE "public"."dispute_state" AS ENUM('needs_response', 'under_review', 'won', 'lost');--> statement-breakpoint
CREATE TYPE "public"."event_state" AS ENUM('scheduled', 'postponed', 'rescheduled', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."order_state" AS ENUM('pending', 'paid', 'partially_refunded', 'refunded', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."refund_state" AS ENUM('pending', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."commerce_request_kind" AS ENUM('refund', 'exchange', 'transfer', 'reissue', 'subscription_cancel', 'subscription_renew', 'subscription_upgrade', 'subscription_credit');--> statement-breakpoint
CREATE TYPE "public"."commerce_request_state" AS ENUM('completed', 'pending_approval', 'rejected', 'failed');--> statement-breakpoint
CREATE TYPE "public"."subscription_status" AS ENUM('trialing', 'active', 'past_due', 'paused', 'cancelled');--> statement-breakpoint
CREATE TABLE "admissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"external_id" text,
	"section" text,
	"row" text,
	"seat" text,
	"barcode" text NOT NULL,
	"price" bigint NOT NULL,
	"fees" bigint DEFAULT 0 NOT NULL,
	"state" "admission_state" DEFAULT 'valid' NOT NULL,
	"holder_contact_id" uuid,
	"replaces_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advertiser_accounts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"organisation_id" uuid,
	"external_id" text,
	"name" text NOT NULL,
	"currency" char(3) NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "billing_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"status" text NOT NULL,
	"description" text NOT NULL,
	"gateway_id" text,
	"external_id" text,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"advertiser_account_id" uuid NOT NULL,
	"external_id" text,
	"name" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"budget" bigint DEFAULT 0 NOT NULL,
	"spent" bigint DEFAULT 0 NOT NULL,
	"currency" char(3) NOT NULL,
	"starts_on" text,
	"ends_on" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commerce_policies" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"policy" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commerce_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" "commerce_request_kind" NOT NULL,
	"state" "commerce_request_state" NOT NULL,
	"order_id" uuid,
	"subscription_id" uuid,
	"ticket_id" uuid,
	"contact_id" uuid,
	"via" text NOT NULL,
	"requested_by_agent_id" uuid,
	"input" jsonb NOT NULL,
	"decision" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"amount" bigint,
	"currency" char(3),
	"decided_by_agent_id" uuid,
	"decided_at" timestamp with time zone,
	"note" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connector_cursors" (
	"workspace_id" uuid NOT NULL,
	"connector" text NOT NULL,
	"resource" text NOT NULL,
	"cursor" text,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "connector_cursors_workspace_id_connector_resource_pk" PRIMARY KEY("workspace_id","connector","resource")
);
--> statement-breakpoint
CREATE TABLE "disputes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"external_id" text,
	"reason" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"state" "dispute_state" DEFAULT 'needs_response' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"respond_by" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"source" text DEFAULT 'usher' NOT NULL,
	"external_id" text,
	"venue_id" uuid,
	"name" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"timezone" text NOT NULL,
	"state" "event_state" DEFAULT 'scheduled' NOT NULL,
	"state_changed_at" timestamp with time zone,
	"capacity" integer,
	"policy" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"source" text DEFAULT 'usher' NOT NULL,
	"external_id" text,
	"number" text NOT NULL,
	"contact_id" uuid,
	"buyer_name" text,
	"buyer_email" text,
	"buyer_phone" text,
	"event_id" uuid NOT NULL,
	"currency" char(3) NOT NULL,
	"subtotal" bigint NOT NULL,
	"fees" bigint DEFAULT 0 NOT NULL,
	"total" bigint NOT NULL,
	"refunded_total" bigint DEFAULT 0 NOT NULL,
	"state" "order_state" DEFAULT 'paid' NOT NULL,
	"purchased_at" timestamp with time zone NOT NULL,
	"purchase_ip" text,
	"purchase_location" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"method" text NOT NULL,
	"brand" text,
	"last4" char(4),
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"gateway" text DEFAULT 'sandbox' NOT NULL,
	"gateway_charge_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"payment_id" uuid,
	"admission_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"amount" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"reason" text NOT NULL,
	"state" "refund_state" DEFAULT 'pending' NOT NULL,
	"gateway" text NOT NULL,
	"gateway_refund_id" text,
	"idempotency_key" text NOT NULL,
	"request_id" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"admission_id" uuid NOT NULL,
	"external_id" text,
	"scanned_at" timestamp with time zone NOT NULL,
	"gate" text,
	"device" text,
	"result" text DEFAULT 'accepted' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"source" text DEFAULT 'usher' NOT NULL,
	"external_id" text,
	"contact_id" uuid,
	"email" text,
	"plan" text NOT NULL,
	"status" "subscription_status" DEFAULT 'active' NOT NULL,
	"price" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"interval" text DEFAULT 'month' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"renews_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"gateway" text DEFAULT 'sandbox' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "venues" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"source" text DEFAULT 'usher' NOT NULL,
	"external_id" text,
	"name" text NOT NULL,
	"city" text,
	"country" char(2),
	"timezone" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admissions" ADD CONSTRAINT "admissions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admissions" ADD CONSTRAINT "admissions_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admissions" ADD CONSTRAINT "admissions_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admissions" ADD CONSTRAINT "admissions_holder_contact_id_contacts_id_fk" FOREIGN KEY ("holder_contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advertiser_accounts" ADD CONSTRAINT "advertiser_accounts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advertiser_accounts" ADD CONSTRAINT "advertiser_accounts_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_entries" ADD CONSTRAINT "billing_entries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_entries" ADD CONSTRAINT "billing_entries_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_advertiser_account_id_advertiser_accounts_id_fk" FOREIGN KEY ("advertiser_account_id") REFERENCES "public"."advertiser_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_policies" ADD CONSTRAINT "commerce_policies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_requests" ADD CONSTRAINT "commerce_requests_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_requests" ADD CONSTRAINT "commerce_requests_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commerce_requests" ADD CONSTRAINT "commerce_requests_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connector_cursors" ADD CONSTRAINT "connector_cursors_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_venue_id_venues_id_fk" FOREIGN KEY ("venue_id") REFERENCES "public"."venues"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scans" ADD CONSTRAINT "scans_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scans" ADD CONSTRAINT "scans_admission_id_admissions_id_fk" FOREIGN KEY ("admission_id") REFERENCES "public"."admissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venues" ADD CONSTRAINT "venues_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admissions_order" ON "admissions" USING btree ("workspace_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "admissions_barcode" ON "admissions" USING btree ("workspace_id","barcode");--> statement-breakpoint
CREATE UNIQUE INDEX "admissions_external" ON "admissions" USING btree ("workspace_id","order_id","external_id");--> statement-breakpoint
CREATE INDEX "admissions_seat" ON "admissions" USING btree ("workspace_id","event_id","section","row","seat");--> statement-breakpoint
CREATE UNIQUE INDEX "advertiser_accounts_external" ON "advertiser_accounts" USING btree ("workspace_id","external_id");--> statement-breakpoint
CREATE INDEX "advertiser_accounts_org" ON "advertiser_accounts" USING btree ("workspace_id","organisation_id");--> statement-breakpoint
CREATE INDEX "billing_subscription" ON "billing_entries" USING btree ("workspace_id","subscription_id","occurred_at");--> statement-breakpoint
CREATE INDEX "campaigns_account" ON "campaigns" USING btree ("workspace_id","advertiser_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_external" ON "campaigns" USING btree ("workspace_id","external_id");--> statement-breakpoint
CREATE INDEX "commerce_requests_state" ON "commerce_requests" USING btree ("workspace_id","state","created_at");--> statement-breakpoint
CREATE INDEX "commerce_requests_created" ON "commerce_requests" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_payment" ON "disputes" USING btree ("workspace_id","payment_id");--> statement-breakpoint
CREATE INDEX "disputes_opened" ON "disputes" USING btree ("workspace_id","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "events_external" ON "events" USING btree ("workspace_id","source","external_id");--> statement-breakpoint
CREATE INDEX "events_starts" ON "events" USING btree ("workspace_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_external" ON "orders" USING btree ("workspace_id","source","external_id");--> statement-breakpoint
CREATE INDEX "orders_contact" ON "orders" USING btree ("workspace_id","contact_id","purchased_at");--> statement-breakpoint
CREATE INDEX "orders_number" ON "orders" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE INDEX "orders_email" ON "orders" USING btree ("workspace_id","buyer_email");--> statement-breakpoint
CREATE INDEX "payments_order" ON "payments" USING btree ("workspace_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_idempotency" ON "refunds" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "refunds_order" ON "refunds" USING btree ("workspace_id","order_id");--> statement-breakpoint
CREATE INDEX "scans_admission" ON "scans" USING btree ("workspace_id","admission_id","scanned_at");--> statement-breakpoint
CREATE UNIQUE INDEX "scans_external" ON "scans" USING btree ("workspace_id","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_external" ON "subscriptions" USING btree ("workspace_id","source","external_id");--> statement-breakpoint
CREATE INDEX "subscriptions_contact" ON "subscriptions" USING btree ("workspace_id","contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "venues_external" ON "venues" USING btree ("workspace_id","source","external_id");