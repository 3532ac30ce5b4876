"""Deliveries now point at the kernel's outbox; the old outbox, job and import-run tables go (their rows
were copied into core by core's 0003)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_kernel_outbox_jobs_imports'),
        ('integration', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='webhookdelivery',
            name='event',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deliveries', to='core.domainevent'),
        ),
        migrations.DeleteModel(
            name='ImportRun',
        ),
        migrations.DeleteModel(
            name='Job',
        ),
        migrations.DeleteModel(
            name='DomainEvent',
        ),
    ]
