
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('entities', '0003_people_trading_address_legal_representative'),
        ('processing', '0003_finding_summary'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalprocessingactivity',
            name='owner_person',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The person accountable for this processing in the organisation.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='entities.person', verbose_name='owner'),
        ),
        migrations.AddField(
            model_name='processingactivity',
            name='owner_person',
            field=models.ForeignKey(blank=True, help_text='The person accountable for this processing in the organisation.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='entities.person', verbose_name='owner'),
        ),
        migrations.RemoveConstraint(
            model_name='internationaltransfer',
            name='transfer_has_destination',
        ),
        migrations.AddField(
            model_name='activitylawfulbasis',
            name='consent_description',
            field=models.TextField(blank=True, help_text='Art 7(1): how and where consent is recorded, when there is no link to give.', verbose_name='how consent is recorded'),
        ),
        migrations.AddField(
            model_name='historicalactivitylawfulbasis',
            name='consent_description',
            field=models.TextField(blank=True, help_text='Art 7(1): how and where consent is recorded, when there is no link to give.', verbose_name='how consent is recorded'),
        ),
        migrations.AddField(
            model_name='historicalinternationaltransfer',
            name='scc_module',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Module 1: controller to controller'), (2, 'Module 2: controller to processor'), (3, 'Module 3: processor to processor'), (4, 'Module 4: processor to controller')], help_text='Which module of the EU standard contractual clauses (2021/914) applies.', null=True, verbose_name='SCC module'),
        ),
        migrations.AddField(
            model_name='historicalretentionrule',
            name='period_is_maximum',
            field=models.BooleanField(default=False, help_text='Tick when the period is a maximum ("up to 3 years"), not a fixed term.', verbose_name='at most'),
        ),
        migrations.AddField(
            model_name='internationaltransfer',
            name='scc_module',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Module 1: controller to controller'), (2, 'Module 2: controller to processor'), (3, 'Module 3: processor to processor'), (4, 'Module 4: processor to controller')], help_text='Which module of the EU standard contractual clauses (2021/914) applies.', null=True, verbose_name='SCC module'),
        ),
        migrations.AddField(
            model_name='retentionrule',
            name='period_is_maximum',
            field=models.BooleanField(default=False, help_text='Tick when the period is a maximum ("up to 3 years"), not a fixed term.', verbose_name='at most'),
        ),
        migrations.AlterField(
            model_name='historicalretentionrule',
            name='deletion_method',
            field=models.CharField(blank=True, choices=[('deletion', 'deletion'), ('anonymisation', 'anonymisation'), ('delete_or_anonymise', 'deletion or anonymisation'), ('pseudonymisation', 'pseudonymisation'), ('archive', 'restricted archive'), ('return', 'return to the controller'), ('other', 'other (described)')], max_length=20, verbose_name='at the end'),
        ),
        migrations.AlterField(
            model_name='retentionrule',
            name='deletion_method',
            field=models.CharField(blank=True, choices=[('deletion', 'deletion'), ('anonymisation', 'anonymisation'), ('delete_or_anonymise', 'deletion or anonymisation'), ('pseudonymisation', 'pseudonymisation'), ('archive', 'restricted archive'), ('return', 'return to the controller'), ('other', 'other (described)')], max_length=20, verbose_name='at the end'),
        ),
        migrations.AddConstraint(
            model_name='internationaltransfer',
            constraint=models.CheckConstraint(condition=models.Q(('country__isnull', False), models.Q(('international_organisation', ''), _negated=True), ('mechanism__isnull', False), _connector='OR'), name='transfer_has_destination_or_mechanism'),
        ),
        migrations.AddConstraint(
            model_name='internationaltransfer',
            constraint=models.CheckConstraint(condition=models.Q(('scc_module__isnull', True), ('scc_module__in', [1, 2, 3, 4]), _connector='OR'), name='transfer_scc_module_valid'),
        ),
    ]
