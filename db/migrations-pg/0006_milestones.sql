CREATE TABLE "milestone" (
	"plan_id" integer NOT NULL,
	"period" text NOT NULL,
	"deliverable" text NOT NULL,
	"percent" double precision NOT NULL,
	"value" double precision,
	CONSTRAINT "milestone_plan_id_period_pk" PRIMARY KEY("plan_id","period")
);
--> statement-breakpoint
CREATE TABLE "milestone_plan" (
	"id" serial PRIMARY KEY NOT NULL,
	"indicator_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"version" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"target_id" integer,
	"note" text DEFAULT '' NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" integer,
	"submitted_at" bigint,
	"decided_at" bigint,
	"decided_by" integer,
	"decision_note" text,
	"in_force_on" text
);
--> statement-breakpoint
ALTER TABLE "milestone" ADD CONSTRAINT "milestone_plan_id_milestone_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."milestone_plan"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_plan" ADD CONSTRAINT "milestone_plan_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_plan" ADD CONSTRAINT "milestone_plan_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_plan" ADD CONSTRAINT "milestone_plan_target_id_indicator_target_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."indicator_target"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_plan" ADD CONSTRAINT "milestone_plan_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_plan" ADD CONSTRAINT "milestone_plan_decided_by_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "milestone_plan_version_idx" ON "milestone_plan" USING btree ("indicator_id","unit_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "milestone_plan_in_force_idx" ON "milestone_plan" USING btree ("indicator_id","unit_id") WHERE "milestone_plan"."status" = 'approved';--> statement-breakpoint
CREATE UNIQUE INDEX "milestone_plan_open_idx" ON "milestone_plan" USING btree ("indicator_id","unit_id") WHERE "milestone_plan"."status" in ('draft', 'submitted');--> statement-breakpoint
CREATE INDEX "milestone_plan_status_idx" ON "milestone_plan" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE INDEX "milestone_plan_unit_idx" ON "milestone_plan" USING btree ("unit_id","status");