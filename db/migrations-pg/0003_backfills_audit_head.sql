-- Hand-written, the PostgreSQL side of the rows SQLite's migrations 0010 and 0011 write.
-- 0010_dashboards_sql: a unit's own original date: its level's date from the plan's table (an indicator with a
-- deadline rule), as before any extension of its part alone (the first such change names the date it moved
-- from); null otherwise: the indicator's original date.
UPDATE "assignment" SET "original_due_on" = coalesce(
	(SELECT d."from_due_on" FROM "due_date_change" d WHERE d."indicator_id" = "assignment"."indicator_id" AND d."unit_id" = "assignment"."unit_id" ORDER BY d."id" LIMIT 1),
	"due_on"
) WHERE "due_on" IS NOT NULL AND "indicator_id" IN (SELECT "id" FROM "indicator" WHERE "deadline_rule" IS NOT NULL);--> statement-breakpoint
-- The months each unit owes reports for, per plan, as refreshReportSpans keeps them.
INSERT INTO "report_span" ("unit_id", "plan_id", "from_period", "to_period")
SELECT a."unit_id", p."id", substr(coalesce(p."issued_on", p."year" || '-01-01'), 1, 7), max(coalesce(substr(a."completed_on", 1, 7), '9999-12'))
FROM "assignment" a JOIN "indicator" i ON i."id" = a."indicator_id" JOIN "plan" p ON p."id" = i."plan_id"
GROUP BY a."unit_id", p."id", p."issued_on", p."year";--> statement-breakpoint
-- 0011_audit_head_and_numbers: the audit chain's head, the last row's hash (the genesis hash on an empty log).
INSERT INTO "audit_head" ("id", "hash") VALUES (1, coalesce((SELECT "hash" FROM "audit_log" ORDER BY "id" DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000'));
