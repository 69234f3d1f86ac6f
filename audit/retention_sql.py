"""The database side of retention (PostgreSQL), owned by the role notlagen_log_keeper.

- audit_retention_mark: the keeper's own record "entries up to id N existed at time T", T from
  the database's clock, written only by audit_mark_time() (a trigger refuses everyone else).
  Entry times are written by the application and prove nothing; these marks do.
- audit_apply_retention(): deletes the whole sealed blocks up to the newest mark older than the
  horizon. The years to keep and the time zone are written into the function from the settings
  each time `manage.py migrate` runs (as the tables' owner), never taken from its caller."""

from __future__ import annotations

KEEPER = "notlagen_log_keeper"

MARKS = f"""
CREATE TABLE IF NOT EXISTS audit_retention_mark (
    id bigserial PRIMARY KEY,
    entry_id bigint NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION audit_refuse_mark_change() RETURNS trigger AS $$
BEGIN
    IF current_user = '{KEEPER}' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    RAISE EXCEPTION 'retention marks are written by the database alone: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_retention_mark_guard ON audit_retention_mark;
CREATE TRIGGER audit_retention_mark_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_retention_mark
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_mark_change();
GRANT SELECT, INSERT, DELETE ON audit_retention_mark TO {KEEPER};
GRANT USAGE ON SEQUENCE audit_retention_mark_id_seq TO {KEEPER};
"""

MARK_TIME = """
CREATE OR REPLACE FUNCTION audit_mark_time() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    -- At most one mark an hour: what existed by now, on the database's own clock.
    IF NOT EXISTS (SELECT 1 FROM audit_retention_mark WHERE at > now() - interval '1 hour') THEN
        INSERT INTO audit_retention_mark (entry_id, at)
        SELECT coalesce(max(id), 0), now() FROM audit_accesslogentry;
    END IF;
END
$$;
"""

APPLY = """
CREATE OR REPLACE FUNCTION audit_apply_retention() RETURNS TABLE (removed bigint, up_to bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    horizon timestamptz;
    marked bigint;
    last_id bigint;
    n bigint;
BEGIN
    horizon := make_timestamptz(extract(year FROM now() AT TIME ZONE '{tz}')::int - {years}, 1, 1, 0, 0, 0, '{tz}');
    SELECT m.entry_id INTO marked FROM audit_retention_mark m WHERE m.at < horizon ORDER BY m.at DESC LIMIT 1;
    IF marked IS NULL THEN
        RETURN QUERY SELECT 0::bigint, NULL::bigint; RETURN;
    END IF;
    SELECT max(s.last_entry_id) INTO last_id FROM audit_accesslogseal s WHERE s.last_entry_id <= marked;
    IF last_id IS NULL THEN
        RETURN QUERY SELECT 0::bigint, NULL::bigint; RETURN;
    END IF;
    DELETE FROM audit_accesslogsubject WHERE entry_id <= last_id;
    DELETE FROM audit_accesslogchain WHERE entry_id <= last_id;
    DELETE FROM audit_accesslogseal WHERE last_entry_id <= last_id;
    DELETE FROM audit_accesslogentry WHERE id <= last_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    DELETE FROM audit_retention_mark WHERE entry_id <= last_id AND at < horizon;
    RETURN QUERY SELECT n, last_id;
END
$$;
"""


def _schema(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]


def install(connection, *, years: int, tz: str) -> None:
    """(Re)create the marks and both functions with the policy of the settings; owner: the keeper."""
    if int(years) < 1 or "'" in tz:
        raise ValueError("retention keeps at least one year; the time zone is a plain name")
    with connection.cursor() as cursor:
        schema = f'"{_schema(cursor)}"'
        cursor.execute(MARKS, [])
        cursor.execute(MARK_TIME.replace("{schema}", schema), [])
        cursor.execute(APPLY.replace("{schema}", schema).replace("{tz}", tz).replace("{years}", str(int(years))), [])
        cursor.execute(f"ALTER FUNCTION audit_mark_time() OWNER TO {KEEPER}")
        cursor.execute(f"ALTER FUNCTION audit_apply_retention() OWNER TO {KEEPER}")
