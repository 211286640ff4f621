
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('entities', '0002_country_code_validator'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalorganisation',
            name='trading_address',
            field=models.TextField(blank=True, help_text='A second address where the organisation trades, if it differs.', verbose_name='trading address'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='trading_address',
            field=models.TextField(blank=True, help_text='A second address where the organisation trades, if it differs.', verbose_name='trading address'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='role',
            field=models.CharField(choices=[('dpo', 'Data Protection Officer'), ('representative', 'Representative (Art 27)'), ('legal_representative', 'Legal representative of the company'), ('privacy', 'Privacy / data protection contact'), ('contact', 'Other contact')], max_length=24, verbose_name='role'),
        ),
        migrations.AlterField(
            model_name='historicalcontact',
            name='role',
            field=models.CharField(choices=[('dpo', 'Data Protection Officer'), ('representative', 'Representative (Art 27)'), ('legal_representative', 'Legal representative of the company'), ('privacy', 'Privacy / data protection contact'), ('contact', 'Other contact')], max_length=24, verbose_name='role'),
        ),
        migrations.CreateModel(
            name='HistoricalPerson',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_path', models.CharField(blank=True, choices=[('admin', 'admin'), ('api', 'API'), ('import', 'import'), ('task', 'task'), ('command', 'command'), ('migration', 'migration'), ('web', 'web')], max_length=16, verbose_name='changed through')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('login', models.ForeignKey(blank=True, db_constraint=False, help_text='The user account of this person, if it has one.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='login')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='entities.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'historical person',
                'verbose_name_plural': 'historical people',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                ('login', models.ForeignKey(blank=True, help_text='The user account of this person, if it has one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='people', to=settings.AUTH_USER_MODEL, verbose_name='login')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='people', to='entities.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'people',
                'ordering': ['organisation', 'name'],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'name'), name='person_name_unique_per_org'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='person_name_not_empty')],
            },
        ),
    ]
