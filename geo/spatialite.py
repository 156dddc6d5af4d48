"""SpatiaLite upkeep.

When a migration adds a column to a SQLite table, Django rebuilds the table
and SpatiaLite's spatial index on its geometry columns is left disabled
(geometry_columns.spatial_index_enabled = 0). geo.queries relies on that
index, so after every migrate this puts back the missing ones.
"""

from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.db import connections


def spatial_indexes_ensure(*, using="default", **kwargs) -> list[tuple[str, str]]:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    restored = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f_table_name, f_geometry_column FROM geometry_columns "
            "WHERE spatial_index_enabled = 0"
        )
        disabled = {(table.lower(), column.lower()) for table, column in cursor.fetchall()}
        for model in apps.get_models():
            for field in model._meta.local_fields:
                if not isinstance(field, GeometryField) or not field.spatial_index:
                    continue
                key = (model._meta.db_table.lower(), field.column.lower())
                if key in disabled:
                    # The rebuilt table left a stale R*Tree behind: start afresh.
                    cursor.execute(f'DROP TABLE IF EXISTS "idx_{key[0]}_{key[1]}"')
                    cursor.execute("SELECT CreateSpatialIndex(%s, %s)", list(key))
                    restored.append(key)
    return restored
