"""The database side of the access log's partitions and retention (PostgreSQL), owned by the role
notlagen_log_keeper.

- audit_retention_mark: the keeper's own record "entries up to id N existed at time T", T from
  the database's clock, written only by audit_mark_time() (a trigger refuses everyone else).
  Entry times are written by the application and prove nothing; these marks do.
- audit_create_log_partition(month) / audit_create_log_partitions(): the monthly partitions of
  audit_accesslogentry (RANGE on time, months of the configured time zone), created by the keeper,
  who owns the partitioned table — PostgreSQL lets only the parent's owner create or attach a
  partition, and only a partition's owner drop it. Rows already in the DEFAULT partition for the
  month are moved into the new partition (the DEFAULT partition is a safety net for odd times).
  Anyone may call the second one (current month and the next two, by the database's clock); the
  first one, any month, only the keeper and the owner (migrations, tests).
- audit_apply_retention(): finds the last sealed id at or below the newest mark older than the
  horizon, then DROPs every partition whose upper bound is at or before the horizon and whose
  highest id is at or below that id (an entry with a forged old time but a young id keeps its
  partition: it can delay expiry, never cause an early one), and DELETEs the remaining rows up to
  that id. The years to keep and the time zone are written into the functions from the settings
  each time `manage.py migrate` runs (as the tables' owner), never taken from a caller."""

from __future__ import annotations

KEEPER = "notlagen_log_keeper"
PARENT = "audit_accesslogentry"
DEFAULT_PARTITION = "audit_accesslogentry_default"

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

PARTITION = """
CREATE OR REPLACE FUNCTION audit_create_log_partition(month date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    lo timestamptz := make_timestamptz(extract(year FROM month)::int, extract(month FROM month)::int,
                                       1, 0, 0, 0, '{tz}');
    hi timestamptz := make_timestamptz(extract(year FROM month + interval '1 month')::int,
                                       extract(month FROM month + interval '1 month')::int, 1, 0, 0, 0, '{tz}');
    name text := 'audit_accesslogentry_p' || to_char(month, 'YYYYMM');
BEGIN
    PERFORM pg_advisory_xact_lock(7310002);  -- one creator at a time (the sealer, the daily job)
    IF to_regclass(name) IS NOT NULL
       OR (SELECT relkind FROM pg_class WHERE oid = 'audit_accesslogentry'::regclass) <> 'p' THEN
        RETURN name;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE audit_accesslogentry INCLUDING DEFAULTS INCLUDING STORAGE)', name);
    -- Entries that went to the safety net for this month move into their partition (the keeper
    -- may DELETE: audit_refuse_change lets this role through).
    IF to_regclass('audit_accesslogentry_default') IS NOT NULL THEN
        EXECUTE format('INSERT INTO %I SELECT * FROM audit_accesslogentry_default WHERE time >= $1 AND time < $2', name)
            USING lo, hi;
        DELETE FROM audit_accesslogentry_default WHERE time >= lo AND time < hi;
    END IF;
    -- ATTACH clones the parent's indexes, foreign keys and row triggers (append-only) onto it.
    EXECUTE format('ALTER TABLE audit_accesslogentry ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                   'EXECUTE FUNCTION audit_refuse_truncate()', name || '_no_truncate', name);
    RETURN name;
END
$$;
REVOKE ALL ON FUNCTION audit_create_log_partition(date) FROM PUBLIC;

CREATE OR REPLACE FUNCTION audit_create_log_partitions() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp SET lock_timeout = '10s' AS $$
DECLARE
    made integer := 0;
    month date;
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = 'audit_accesslogentry'::regclass) <> 'p' THEN
        RETURN 0;
    END IF;
    -- The current month of the database's clock and the next two.
    FOR i IN 0..2 LOOP
        month := (date_trunc('month', now() AT TIME ZONE '{tz}') + make_interval(months => i))::date;
        IF to_regclass('audit_accesslogentry_p' || to_char(month, 'YYYYMM')) IS NULL THEN
            PERFORM audit_create_log_partition(month);
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END
$$;
"""

APPLY = """
CREATE OR REPLACE FUNCTION audit_apply_retention() RETURNS TABLE (removed bigint, up_to bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp SET lock_timeout = '10s' AS $$
DECLARE
    horizon timestamptz;
    marked bigint;
    last_id bigint;
    n bigint := 0;
    k bigint;
    top bigint;
    part record;
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
    DELETE FROM audit_accesslogchain WHERE entry_id <= last_id;
    DELETE FROM audit_accesslogseal WHERE last_entry_id <= last_id;
    -- Whole months: a partition ending at or before the horizon whose every id is proven old.
    FOR part IN
        SELECT c.oid::regclass AS rel,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_accesslogentry'::regclass
    LOOP
        CONTINUE WHEN part.upper IS NULL OR part.upper > horizon;  -- the DEFAULT partition has no bound
        EXECUTE format('SELECT max(id), count(*) FROM %s', part.rel) INTO top, k;
        IF top IS NULL OR top <= last_id THEN
            EXECUTE format('DROP TABLE %s', part.rel);
            n := n + k;
        END IF;
    END LOOP;
    DELETE FROM audit_accesslogentry WHERE id <= last_id;
    GET DIAGNOSTICS k = ROW_COUNT;
    DELETE FROM audit_retention_mark WHERE entry_id <= last_id AND at < horizon;
    RETURN QUERY SELECT n + k, last_id;
END
$$;
"""


def _schema(cursor) -> str:
    cursor.execute("SELECT current_schema()")
    return cursor.fetchone()[0]


def install(connection, *, years: int, tz: str) -> None:
    """(Re)create the marks and the functions with the policy of the settings; owner: the keeper.
    Creates the partitions ahead when the log is partitioned (audit.partitioning)."""
    if int(years) < 1 or "'" in tz:
        raise ValueError("retention keeps at least one year; the time zone is a plain name")
    with connection.cursor() as cursor:
        schema = f'"{_schema(cursor)}"'
        cursor.execute(MARKS, [])
        cursor.execute(MARK_TIME.replace("{schema}", schema), [])
        cursor.execute(PARTITION.replace("{schema}", schema).replace("{tz}", tz))
        cursor.execute(APPLY.replace("{schema}", schema).replace("{tz}", tz).replace("{years}", str(int(years))))
        for function in (
            "audit_mark_time()",
            "audit_apply_retention()",
            "audit_create_log_partition(date)",
            "audit_create_log_partitions()",
        ):
            cursor.execute(f"ALTER FUNCTION {function} OWNER TO {KEEPER}")
        cursor.execute("SELECT audit_create_log_partitions()")


def create_partitions_ahead(connection) -> int:
    """Current month and the next two (the sealer and the daily retention job call this)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_create_log_partitions()")
        return cursor.fetchone()[0]
