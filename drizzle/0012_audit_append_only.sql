-- The audit log is append-only in the database itself, not only by having no route that writes it:
-- an UPDATE is always refused, a DELETE is refused for entries younger than the 180-day retention
-- (older ones may be archived and removed by an operator), and TRUNCATE is refused.
CREATE OR REPLACE FUNCTION audit_log_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit_log is append-only';
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit_log cannot be truncated';
  END IF;
  IF OLD.at > now() - interval '180 days' THEN
    RAISE EXCEPTION 'audit_log entries are kept at least 180 days';
  END IF;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
