"""The outbox (DomainEvent), background jobs (Job) and import runs (ImportRun) move from the integration
app into the kernel, where every context can reach them without reaching up (ADR 0006).

New tables are made here and the rows copied across with their keys, so event ids, cursors (`seq`) and
webhook deliveries carry on; integration's 0002 then points deliveries at the new table and drops the old.
"""

import django.db.models.deletion
import django.db.models.manager
import uuid
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models


def copy_rows(apps, schema_editor):
    copies = [("Job", "Job"), ("DomainEvent", "DomainEvent"), ("ImportRun", "ImportRun")]
    for old_name, new_name in copies:
        old = apps.get_model("integration", old_name)
        new = apps.get_model("core", new_name)
        names = [f.attname for f in old._meta.concrete_fields]
        rows = [new(**{n: getattr(row, n) for n in names}) for row in old._base_manager.iterator()]
        new._base_manager.bulk_create(rows, batch_size=1000)
    # Copied keys leave PostgreSQL's sequence behind: the next event must follow the last one copied.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [apps.get_model("core", "DomainEvent")]):
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_head'),
        ('integration', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(max_length=60)),
                ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Running'), ('succeeded', 'Finished'), ('failed', 'Failed')], default='queued', max_length=10)),
                ('stage', models.CharField(blank=True, max_length=100)),
                ('done', models.PositiveIntegerField(default=0)),
                ('total', models.PositiveIntegerField(default=0)),
                ('message', models.TextField(blank=True)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('council', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.council')),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
                'abstract': False,
                'base_manager_name': 'unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='DomainEvent',
            fields=[
                ('seq', models.BigAutoField(primary_key=True, serialize=False)),
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('type', models.CharField(db_index=True, max_length=100)),
                ('version', models.PositiveSmallIntegerField(default=1)),
                ('subject_type', models.CharField(max_length=100)),
                ('subject_id', models.CharField(max_length=100)),
                ('data', models.JSONField(default=dict)),
                ('occurred_at', models.DateTimeField(db_index=True)),
                ('fanned_out', models.BooleanField(default=False, help_text='Deliveries have been created for it')),
                ('council', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.council')),
            ],
            options={
                'ordering': ['seq'],
                'abstract': False,
                'base_manager_name': 'unscoped',
                'indexes': [models.Index(fields=['council', 'seq'], name='core_domain_council_0dd550_idx'), models.Index(fields=['fanned_out', 'seq'], name='core_domain_fanned__52f991_idx')],
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='ImportRun',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('import_type', models.CharField(max_length=60)),
                ('file_name', models.CharField(max_length=255)),
                ('stored_as', models.CharField(blank=True, help_text='Its name in default_storage', max_length=255)),
                ('sha256', models.CharField(max_length=64)),
                ('size', models.PositiveIntegerField()),
                ('idempotency_key', models.CharField(max_length=100)),
                ('created', models.PositiveIntegerField(default=0)),
                ('updated', models.PositiveIntegerField(default=0)),
                ('unchanged', models.PositiveIntegerField(default=0)),
                ('skipped', models.PositiveIntegerField(default=0)),
                ('notes', models.JSONField(blank=True, default=list)),
                ('errors', models.JSONField(blank=True, default=list, help_text='[{line, field, message}] when refused')),
                ('council', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.council')),
                ('job', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='import_run', to='core.job')),
            ],
            options={
                'ordering': ['-created_at'],
                'abstract': False,
                'base_manager_name': 'unscoped',
                'indexes': [models.Index(fields=['council', 'import_type', 'idempotency_key'], name='core_import_council_ee22ce_idx')],
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RunPython(copy_rows, migrations.RunPython.noop),
    ]
