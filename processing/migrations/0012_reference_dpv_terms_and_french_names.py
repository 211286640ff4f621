"""Reference data brought up to date in existing databases: DPV 2.2 IRIs
(pd:ServiceConsumptionBehaviour; DPV's concepts for racial or ethnic origin, religion and
sexual orientation in place of the project's own) and every term's French name."""

from django.db import migrations


def load(apps, schema_editor):
    from processing.reference.load import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0005_reference_french_names"),
        ("processing", "0011_reference_french_names"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
