"""Queries the ORM writes once per connection, stand-in values in the places of the real ones."""

import weakref
from datetime import date

__all__ = ["CompiledQuery"]


class CompiledQuery:
    """A query the ORM writes once per connection; each use puts its own values in their places.

    The API's small, repeated queries cost the ORM more to write than the database to answer.
    `build(stand_ins)` returns the queryset made with the stand-ins (values no row holds, by
    name); it is compiled once and the stand-ins' places among its parameters are noted.
    `bind(connection, values)` returns the same SQL with `values[name]` in those places, each
    passed as the ORM passes it.
    """

    def __init__(self, build, stand_ins: dict):
        self.build, self.stand_ins = build, stand_ins
        self._compiled = weakref.WeakKeyDictionary()

    def compiled(self, connection):
        """Return (query, compiler, sql, params, slots) on `connection`.

        `slots` are the (position among `params`, name) of the stand-ins.
        """
        found = self._compiled.get(connection)
        if found is None:
            query = self.build(self.stand_ins).query
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            names = {_adapted(connection, value): name for name, value in self.stand_ins.items()}
            slots = []
            for position, param in enumerate(params):
                try:
                    name = names.get(param)
                except TypeError:  # a list, say: no stand-in
                    continue
                if name is not None:
                    slots.append((position, name))
            if {name for _, name in slots} != set(self.stand_ins):
                raise ValueError(f"{self.build!r} does not use every stand-in it is given")
            found = self._compiled[connection] = (query, compiler, sql, tuple(params), slots)
        return found

    def bind(self, connection, values) -> tuple[str, list]:
        """Return the SQL and its parameters, `values[name]` in the place of each stand-in
        (a day as the ORM passes it, as the stand-in was)."""
        _, _, sql, params, slots = self.compiled(connection)
        params = list(params)
        for position, name in slots:
            params[position] = _adapted(connection, values[name])
        return sql, params


def _adapted(connection, value):
    # As the ORM passes a day to the database (text on SQLite).
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value
