"""One version number per recorded change of an activity: the history rows of each
activity are numbered 1..n in the order they were written, the activity takes the number
of its last row, and each historical row of a part takes the version of the activity row
written last before it (a part was written after its activity's row)."""

from django.db import migrations

PARTS = ("HistoricalPurpose", "HistoricalActivityLawfulBasis", "HistoricalActivityRecipient",
         "HistoricalInternationalTransfer", "HistoricalRetentionRule")


def renumber(apps, schema_editor):
    qn = schema_editor.connection.ops.quote_name
    activity = qn(apps.get_model("processing", "ProcessingActivity")._meta.db_table)
    history = qn(apps.get_model("processing", "HistoricalProcessingActivity")._meta.db_table)
    statements = [
        f"UPDATE {history} SET version = (SELECT COUNT(*) FROM {history} AS e "
        f"WHERE e.id = {history}.id AND (e.history_date < {history}.history_date OR "
        f"(e.history_date = {history}.history_date AND e.history_id <= {history}.history_id)))",
        f"UPDATE {activity} SET version = (SELECT MAX(h.version) FROM {history} AS h "
        f"WHERE h.id = {activity}.id) WHERE EXISTS (SELECT 1 FROM {history} AS h "
        f"WHERE h.id = {activity}.id)",
    ]
    for name in PARTS:
        part = qn(apps.get_model("processing", name)._meta.db_table)
        statements.append(
            f"UPDATE {part} SET owner_version = COALESCE((SELECT h.version FROM {history} AS h "
            f"WHERE h.id = {part}.activity_id AND h.history_date <= {part}.history_date "
            f"ORDER BY h.history_date DESC, h.history_id DESC LIMIT 1), 1) "
            f"WHERE owner_version IS NULL")
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [("processing", "0007_parts_history_carry_the_activity_version")]

    operations = [migrations.RunPython(renumber, migrations.RunPython.noop, elidable=True)]
