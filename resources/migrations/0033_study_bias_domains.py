"""Risk of bias by domain: a study's judgement in each RoB 2 or ROBINS-I domain, with what
it rests on. Curators and editors edit the rows as an inline of the study, deletes included
(as 0002 lets them for every row that belongs to a record)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def let_curators_judge_domains(apps, schema_editor):
    app_config = apps.get_app_config("resources")
    app_config.models_module = True  # as in 0002: permissions exist only after migrate
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_studybiasdomain" for action in ("add", "change", "view", "delete")]
    codenames.append("view_historicalstudybiasdomain")
    permissions = Permission.objects.filter(
        content_type__app_label="resources", codename__in=codenames
    )
    for group in Group.objects.filter(name__in=["curators", "editors"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('resources', '0032_digest_per_address'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalStudyBiasDomain',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('domain', models.CharField(choices=[('confounding', 'Confounding'), ('randomisation', 'Randomisation process'), ('selection', 'Selection of participants'), ('classification', 'Classification of interventions'), ('deviations', 'Deviations from intended interventions'), ('missing_data', 'Missing outcome data'), ('measurement', 'Measurement of outcomes'), ('reporting', 'Selection of the reported result')], max_length=20)),
                ('judgement', models.CharField(choices=[('low', 'Low'), ('some_concerns', 'Some concerns'), ('high', 'High'), ('unclear', 'Unclear: not enough information')], max_length=15)),
                ('support', models.TextField(blank=True, help_text='What in the report the judgement rests on, in your own words.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('study', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='resources.study')),
            ],
            options={
                'verbose_name': 'historical risk of bias domain',
                'verbose_name_plural': 'historical risk of bias domains',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='StudyBiasDomain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('domain', models.CharField(choices=[('confounding', 'Confounding'), ('randomisation', 'Randomisation process'), ('selection', 'Selection of participants'), ('classification', 'Classification of interventions'), ('deviations', 'Deviations from intended interventions'), ('missing_data', 'Missing outcome data'), ('measurement', 'Measurement of outcomes'), ('reporting', 'Selection of the reported result')], max_length=20)),
                ('judgement', models.CharField(choices=[('low', 'Low'), ('some_concerns', 'Some concerns'), ('high', 'High'), ('unclear', 'Unclear: not enough information')], max_length=15)),
                ('support', models.TextField(blank=True, help_text='What in the report the judgement rests on, in your own words.')),
                ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='risk_of_bias_domains', to='resources.study')),
            ],
            options={
                'verbose_name': 'risk of bias domain',
                'ordering': ['study_id', 'domain'],
                'constraints': [models.UniqueConstraint(fields=('study', 'domain'), name='study_bias_domain_unique', violation_error_message='This domain is already judged for the study.')],
            },
        ),
        migrations.RunPython(let_curators_judge_domains, migrations.RunPython.noop),
    ]
