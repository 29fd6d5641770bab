-- The audit log is append-only: the database itself refuses to change or remove its rows, except that
-- `duban audit archive` may delete rows it has first written to an archive file (it opens the gate).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM audit_archive_gate)
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
