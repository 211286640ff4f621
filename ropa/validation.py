"""Model validation shared by the services."""

from django.db import models


def full_clean(instance: models.Model) -> None:
    """``instance.full_clean()`` without re-reading related rows the caller already holds.

    Django checks each foreign key with a query; a related object assigned as an instance
    was just read from the database, and the foreign key constraint still guards the
    write, so those checks are skipped. Everything else (fields, clean(), constraints)
    is validated as usual.
    """
    opts = instance._meta
    # A field left out of full_clean() also leaves out the constraints that name it.
    in_constraints = {name for c in opts.constraints for name in getattr(c, "fields", ())}
    in_constraints |= {name for group in opts.unique_together for name in group}
    loaded = [
        field.name for field in opts.concrete_fields
        if field.is_relation and field.name not in in_constraints and field.is_cached(instance)
        and getattr(instance, field.name) is not None
        and getattr(instance, field.name).pk is not None
    ]
    instance.full_clean(exclude=loaded or None)
