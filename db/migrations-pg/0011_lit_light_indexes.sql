DROP INDEX "alert_indicator_idx";--> statement-breakpoint
CREATE INDEX "alert_kind_unit_idx" ON "alert" USING btree ("kind","unit_id","indicator_id","since","resolved_on");--> statement-breakpoint
CREATE INDEX "assignment_role_idx" ON "assignment" USING btree ("role","parent_id","unit_id","indicator_id","completed_on");--> statement-breakpoint
CREATE INDEX "alert_indicator_idx" ON "alert" USING btree ("indicator_id","since","resolved_on","light","kind","unit_id");