DROP INDEX "alert_indicator_idx";--> statement-breakpoint
DROP INDEX "assignment_unit_idx";--> statement-breakpoint
CREATE INDEX "alert_indicator_idx" ON "alert" USING btree ("indicator_id","since","resolved_on","light","kind","unit_id");--> statement-breakpoint
CREATE INDEX "assignment_unit_idx" ON "assignment" USING btree ("unit_id","indicator_id","parent_id");