CREATE TABLE "audit_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_span" (
	"unit_id" integer NOT NULL,
	"plan_id" integer NOT NULL,
	"from_period" text NOT NULL,
	"to_period" text NOT NULL,
	CONSTRAINT "report_span_unit_id_plan_id_pk" PRIMARY KEY("unit_id","plan_id")
);
--> statement-breakpoint
CREATE TABLE "service_token" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_by" integer,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"last_used_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "service_token_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
DROP INDEX "alert_day_idx";--> statement-breakpoint
DROP INDEX "urge_notice_year_seq_idx";--> statement-breakpoint
ALTER TABLE "assignment" ADD COLUMN "original_due_on" text;--> statement-breakpoint
ALTER TABLE "report_span" ADD CONSTRAINT "report_span_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_span" ADD CONSTRAINT "report_span_plan_id_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plan"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_token" ADD CONSTRAINT "service_token_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_token" ADD CONSTRAINT "service_token_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "service_token_user_idx" ON "service_token" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bulletin_year_seq_idx" ON "bulletin" USING btree ("year","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "request_one_pending_idx" ON "request" USING btree ("indicator_id","unit_id","kind") WHERE "request"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "alert_day_idx" ON "alert" USING btree ("since","resolved_on","light","kind","indicator_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "urge_notice_year_seq_idx" ON "urge_notice" USING btree ("year","seq");