"""Lists of ids on an access-log entry (case_ids, person_ids), and the one way to search them.

`case_ids__has=7` finds the entries naming case 7, `person_ids__has=[3, 4]` those naming person 3
or 4 — on both databases through this lookup:

- PostgreSQL: containment `case_ids @> '[7]'` (several ids: `@? '$[*] ? (@ == 3 || @ == 4)'`),
  both answered by the GIN index (jsonb_path_ops) on the column. The index is part of the row's
  own transaction, so an entry is found the moment it commits; a list entry naming 100 cases is
  one row and 100 small index keys.
- SQLite (the demo): EXISTS over json_each(case_ids)."""

from __future__ import annotations

import json

from django.db import models
from django.db.models import Lookup


class IdListField(models.JSONField):
    """A JSON array of integer ids."""


@IdListField.register_lookup
class Has(Lookup):
    lookup_name = "has"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def get_prep_lookup(self):
        value = self.rhs
        values = [value] if isinstance(value, int | str) else list(value)
        return sorted({int(v) for v in values})

    def get_db_prep_lookup(self, value, connection):
        return ("%s", value)

    def process_rhs(self, compiler, connection):
        return "%s", self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self.rhs
        if not ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            if len(ids) == 1:
                return f"{lhs} @> %s::jsonb", [*lhs_params, json.dumps(ids)]
            path = "$[*] ? (" + " || ".join(f"@ == {i}" for i in ids) + ")"
            return f"{lhs} @? %s::jsonpath", [*lhs_params, path]
        marks = ", ".join(["%s"] * len(ids))
        exists = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value IN ({marks}))"  # noqa: S608 - placeholders
        return exists, [*lhs_params, *ids]
