from django.db import migrations


def load(apps, schema_editor):
    """The reference data's new flags: vulnerable and children's subject categories,
    biometric and tracking data, the Sch. 1 part each Art 9 condition needs in the UK and
    the Sch. 1 conditions that need an appropriate policy document."""
    from processing.reference.load import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0004_organisation_public_authority"),
        ("processing", "0009_risk_screening_and_basis_details"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
