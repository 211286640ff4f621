import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("processing", "0005_owners_to_people")]

    operations = [
        migrations.RemoveField(model_name='historicalprocessingactivity', name='owner'),
        migrations.RemoveField(model_name='processingactivity', name='owner'),
        migrations.RenameField(model_name='historicalprocessingactivity', old_name='owner_person', new_name='owner'),
        migrations.RenameField(model_name='processingactivity', old_name='owner_person', new_name='owner'),
        migrations.AlterField(
            model_name='processingactivity',
            name='owner',
            field=models.ForeignKey(blank=True, help_text='The person accountable for this processing in the organisation.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_activities', to='entities.person', verbose_name='owner'),
        ),
    ]
