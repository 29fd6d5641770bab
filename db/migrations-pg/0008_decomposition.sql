ALTER TABLE "assignment" ADD COLUMN "parent_id" integer;--> statement-breakpoint
ALTER TABLE "assignment" ADD COLUMN "handed_on" text;--> statement-breakpoint
ALTER TABLE "assignment" ADD COLUMN "sign_by" text;--> statement-breakpoint
ALTER TABLE "assignment" ADD COLUMN "signed_on" text;--> statement-breakpoint
ALTER TABLE "assignment" ADD COLUMN "shares" json;--> statement-breakpoint
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_parent_id_assignment_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."assignment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assignment_parent_idx" ON "assignment" USING btree ("parent_id");