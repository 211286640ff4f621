from django.db import migrations


def load(apps, schema_editor):
    from processing.reference.load import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0001_initial"),
        ("processing", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
