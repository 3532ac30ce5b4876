"""Webhook signing secrets move from clear text to sealed text (core.secrets): existing ones are sealed."""

from django.db import migrations

import civichub.core.secrets


def seal_existing(apps, schema_editor):
    # Read the columns as raw text: through the model the field would try to open values that are
    # still in clear. Writing through update() seals them.
    endpoint_model = apps.get_model("integration", "WebhookEndpoint")
    table = endpoint_model._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret, previous_secret FROM {table}")  # noqa: S608 - our table name
        rows = cursor.fetchall()
    prefix = civichub.core.secrets.PREFIX
    for pk, secret, previous in rows:
        changes = {}
        if secret and not secret.startswith(prefix):
            changes["secret"] = secret
        if previous and not previous.startswith(prefix):
            changes["previous_secret"] = previous
        if changes:
            endpoint_model._base_manager.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0002_outbox_jobs_imports_moved_to_core"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhookendpoint",
            name="previous_secret",
            field=civichub.core.secrets.SealedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=civichub.core.secrets.SealedTextField(),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
