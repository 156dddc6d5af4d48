"""The columns of a bulk load (COPY on PostgreSQL, executemany on SpatiaLite),
taken from the model rather than written out, so that a column added to the
model later does not break the load.

The bench generates some fields per row; every other concrete field gets what
the ORM would store for a `Model()` that leaves it unset: its default (a
callable default is called once, for every row), "" for a string field
without one, NULL where the column allows it. A column the database fills
itself (`db_default`, the auto primary key) is left out. A field that cannot
be filled that way (NOT NULL, no default: it needs a value the bench must
choose) stops the run before anything is loaded, naming the field.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

NULL = "\\N"


def _copy_text(value) -> str:
    """One value in COPY's text format, whatever its type (the slow path)."""
    from django.contrib.gis.geos import GEOSGeometry

    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float | Decimal | UUID):
        return str(value) if not isinstance(value, float) else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, GEOSGeometry):
        return value.ewkt
    if isinstance(value, dict | list):
        value = json.dumps(value)
    if isinstance(value, str):
        return (
            str(value)
            .replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    raise TypeError(f"no COPY text for {type(value).__name__} {value!r}")


def _copy_point(point) -> str:
    if point is None:
        return NULL
    lng, lat = point
    return f"SRID=4326;POINT({lng!r} {lat!r})"


def _copy_str(value) -> str:
    if value is None:
        return NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return _copy_text(value)
    return value


def _copy_int(value) -> str:
    return NULL if value is None else str(value)


def _copy_float(value) -> str:
    return NULL if value is None else repr(value)


def _copy_iso(value) -> str:
    return NULL if value is None else value.isoformat()


def _copy_encoder(field):
    """The cheapest encoder for a generated field (a million rows go through it)."""
    from django.contrib.gis.db.models import GeometryField
    from django.db import models

    if isinstance(field, GeometryField):
        return _copy_point
    if isinstance(field, models.BooleanField):
        return _copy_text
    if isinstance(field, models.IntegerField | models.ForeignKey | models.AutoField):
        return _copy_int
    if isinstance(field, models.FloatField):
        return _copy_float
    if isinstance(field, models.DateField | models.DateTimeField | models.TimeField):
        return _copy_iso
    if isinstance(field, models.CharField | models.TextField):
        return _copy_str
    return _copy_text


def _call(encode, value) -> str:
    return encode(value)


class TableLoad:
    """`generated`: the attnames the bench gives per row, in its rows' order
    (a point field takes a (lng, lat) pair). `fixed`: attname -> one value for
    every row, instead of the model's default."""

    def __init__(self, model, generated: list[str], fixed: dict | None = None):
        from django.contrib.gis.db.models import GeometryField
        from django.db.models import NOT_PROVIDED

        fixed = dict(fixed or {})
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in [*generated, *fixed] if name not in fields]
        if unknown:
            raise SystemExit(
                f"the benchmark loads {', '.join(unknown)} into {model.__name__}, "
                "which has no such field any more: update the benchmark's rows"
            )
        self.model = model
        self.table = model._meta.db_table
        self.generated = [fields[name] for name in generated]
        self.filled = []  # (field, value): the same for every row
        self.omitted = []  # left to the database
        missing = []
        for attname, field in fields.items():
            if attname in generated:
                continue
            if attname in fixed:
                self.filled.append((field, fixed[attname]))
                continue
            if getattr(field, "db_returning", False) or (
                field.db_default is not NOT_PROVIDED and not field.has_default()
            ):
                self.omitted.append(field)
                continue
            value = field.get_default()
            if value is None and not field.null:
                missing.append(f"{attname} (NOT NULL, no default)")
            elif field.unique and value is not None:
                missing.append(f"{attname} (unique: one default for every row would clash)")
            else:
                self.filled.append((field, value))
        if missing:
            raise SystemExit(
                f"the benchmark cannot fill {model.__name__}.{', '.join(missing)}: "
                "generate a value for it in the benchmark's rows"
            )
        self.geometry = {f.attname for f in self.generated if isinstance(f, GeometryField)}
        for field, value in self.filled:
            if isinstance(field, GeometryField) and value is not None:
                raise SystemExit(f"{model.__name__}.{field.attname}: a geometry default")

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.generated] + [f.column for f, _v in self.filled]

    def describe(self) -> str:
        filled = ", ".join(f"{f.attname}={v!r}" for f, v in self.filled) or "-"
        return f"{self.table}: generated {len(self.generated)} columns, filled {filled}"

    # --- PostgreSQL: COPY ... FROM STDIN (text format) ------------------------

    def copy_sql(self) -> str:
        columns = ", ".join(f'"{c}"' for c in self.columns)
        return f'COPY "{self.table}" ({columns}) FROM STDIN'

    def copy_encoder(self):
        """row (a tuple in `generated` order) -> one COPY line."""
        encoders = [_copy_encoder(f) for f in self.generated]
        suffix = "".join("\t" + _copy_text(value) for _f, value in self.filled) + "\n"
        width = len(encoders)

        def line(row) -> str:
            if len(row) != width:
                raise ValueError(f"a row of {len(row)} values for {width} columns: {row!r}")
            return "\t".join(map(_call, encoders, row)) + suffix

        return line

    # --- SpatiaLite: INSERT ... VALUES (?, ...) -------------------------------

    def insert_sql(self) -> str:
        columns = ", ".join(f'"{c}"' for c in self.columns)
        marks = [
            "MakePoint(?, ?, 4326)" if f.attname in self.geometry else "?" for f in self.generated
        ]
        marks += ["?"] * len(self.filled)
        return f'INSERT INTO "{self.table}" ({columns}) VALUES ({", ".join(marks)})'

    def insert_encoder(self, connection):
        """row -> the INSERT's parameters (values adapted as the ORM saves them)."""
        fixed = tuple(f.get_db_prep_save(v, connection) for f, v in self.filled)
        steps = [(f.attname in self.geometry, f) for f in self.generated]

        def params(row) -> tuple:
            values = []
            for (is_point, field), value in zip(steps, row, strict=True):
                if is_point:
                    values += value if value is not None else (None, None)
                else:
                    values.append(field.get_db_prep_save(value, connection))
            return (*values, *fixed)

        return params
