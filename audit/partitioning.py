"""Turns audit_accesslogentry into a table partitioned by month of `time` (PostgreSQL; migration
0005). The existing rows, indexes, foreign keys, grants and the id sequence's position are kept.

- The database's primary key becomes (id, time): a unique constraint of a partitioned table must
  contain the partition key. Django keeps `id` as the primary key: the identity sequence makes
  it unique on its own.
- The keeper (notlagen_log_keeper) owns the partitioned table and its partitions: PostgreSQL lets
  only the parent's owner create or attach a partition and only a partition's owner drop it, and
  retention drops whole months (audit.retention_sql). The application's role owns nothing and is
  no member of the keeper, so it can neither drop, detach nor truncate a partition, nor switch a
  trigger off.
- A DEFAULT partition catches entries of odd times (a clock gone wrong, a forged far-past or
  far-future time) and is empty in normal operation.
- The append-only row trigger is created on the parent, so PostgreSQL clones it onto every
  partition, present and future; TRUNCATE triggers are per table, so each partition gets one
  (audit_create_log_partition)."""

from __future__ import annotations

from .retention_sql import DEFAULT_PARTITION, KEEPER, PARENT

OLD = "audit_accesslogentry_unpartitioned"


def _rows(cursor, sql, params=()):
    cursor.execute(sql, list(params))
    return cursor.fetchall()


def _acl(cursor, relation: str) -> list[tuple[str, str]]:
    """(grantee, privilege) of a relation, except its owner's own rights."""
    return _rows(
        cursor,
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, a.privilege_type "
        "FROM pg_class c, aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
        [relation],
    )


def is_partitioned(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [PARENT])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partition(connection, *, tz: str) -> None:
    """Convert the plain table (idempotent: nothing to do once it is partitioned)."""
    if connection.vendor != "postgresql" or is_partitioned(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
        sequence = _rows(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [PARENT])[0][0]
        indexes = _rows(
            cursor,
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
            "AND indexname <> %s",
            [PARENT, f"{PARENT}_pkey"],
        )
        foreign_keys = _rows(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f'",
            [PARENT],
        )
        table_acl, sequence_acl = _acl(cursor, PARENT), _acl(cursor, sequence)
        (position,) = _rows(cursor, f"SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM {sequence}")[0]  # noqa: S608
        cursor.execute(f"ALTER TABLE {PARENT} RENAME TO {OLD}")
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {OLD}_id_seq")
        cursor.execute(
            f"CREATE TABLE {PARENT} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE) "
            "PARTITION BY RANGE (time)"
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [PARENT, position])
        # PostgreSQL: only the parent's owner creates or attaches partitions (see the docstring).
        cursor.execute(f'GRANT CREATE, USAGE ON SCHEMA "{schema}" TO {KEEPER}')
        cursor.execute(f"ALTER TABLE {PARENT} OWNER TO {KEEPER}")
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {PARENT} DEFAULT")
        cursor.execute(f"ALTER TABLE {DEFAULT_PARTITION} OWNER TO {KEEPER}")
        cursor.execute(
            f"CREATE TRIGGER {DEFAULT_PARTITION}_no_truncate BEFORE TRUNCATE ON {DEFAULT_PARTITION} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()"
        )
        months = _rows(
            cursor,
            f"SELECT DISTINCT date_trunc('month', time AT TIME ZONE %s)::date FROM {OLD}",  # noqa: S608
            [tz],
        )
        for (month,) in months:
            cursor.execute("SELECT audit_create_log_partition(%s)", [month])
        cursor.execute("SELECT audit_create_log_partitions()")
        cursor.execute(f"INSERT INTO {PARENT} SELECT * FROM {OLD}")  # noqa: S608 - constants
        cursor.execute(f"DROP TABLE {OLD}")
        _restore(cursor, indexes=indexes, foreign_keys=foreign_keys, acls=(table_acl, sequence_acl))


def _restore(cursor, *, indexes, foreign_keys, acls) -> None:
    """Give the partitioned table what the plain one had: key, indexes, foreign keys, grants,
    and the append-only and no-truncate triggers."""
    table_acl, sequence_acl = acls
    cursor.execute(f"ALTER TABLE {PARENT} ADD CONSTRAINT {PARENT}_pkey PRIMARY KEY (id, time)")
    for (definition,) in indexes:
        cursor.execute(definition)
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {PARENT} ADD CONSTRAINT "{name}" {definition}')
    for grantee, privilege in table_acl:
        cursor.execute(f"GRANT {privilege} ON {PARENT} TO {grantee}")
    for grantee, privilege in sequence_acl:
        cursor.execute(f"GRANT {privilege} ON SEQUENCE {pg_sequence(cursor)} TO {grantee}")
    cursor.execute(
        f"CREATE TRIGGER {PARENT}_append_only BEFORE UPDATE OR DELETE ON {PARENT} "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
    )
    cursor.execute(
        f"CREATE TRIGGER {PARENT}_no_truncate BEFORE TRUNCATE ON {PARENT} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()"
    )


def pg_sequence(cursor) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [PARENT])
    return cursor.fetchone()[0]
