"""Each record's blocking keys as one row of key columns (RecordKeys) instead of one row per key.

The new table starts empty: the next full linkage run stores the keys of every record that has none
(records loaded before this migration, as records loaded in bulk), and until then a record arriving
alone finds no candidates and starts a golden record of its own, which that run joins up."""

import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_retention_period'),
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='sourcerecord',
            name='council',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.council'),
        ),
        migrations.CreateModel(
            name='RecordKeys',
            fields=[
                ('record', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='keys', serialize=False, to='people.sourcerecord')),
                ('nhs_number', models.CharField(blank=True, max_length=20)),
                ('nhs_head', models.CharField(blank=True, max_length=10)),
                ('nhs_tail', models.CharField(blank=True, max_length=10)),
                ('date_of_birth', models.CharField(blank=True, max_length=10)),
                ('birth_year', models.CharField(blank=True, max_length=4)),
                ('surname', models.CharField(blank=True, max_length=100)),
                ('surname_initial', models.CharField(blank=True, max_length=1)),
                ('first_name_canonical', models.CharField(blank=True, max_length=100)),
                ('names_sorted', models.CharField(blank=True, max_length=201)),
                ('postcode', models.CharField(blank=True, max_length=10)),
                ('address_line', models.CharField(blank=True, max_length=300)),
                ('council', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.council')),
            ],
            options={
                'abstract': False,
                'base_manager_name': 'unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.DeleteModel(
            name='BlockingKey',
        ),
        migrations.AddIndex(
            model_name='recordkeys',
            index=models.Index(fields=['council', 'address_line'], name='people_keys_address_line'),
        ),
        migrations.AddIndex(
            model_name='recordkeys',
            index=models.Index(fields=['council', 'date_of_birth'], name='people_keys_date_of_birth'),
        ),
        migrations.AddIndex(
            model_name='recordkeys',
            index=models.Index(fields=['council', 'names_sorted'], name='people_keys_names_sorted'),
        ),
        migrations.AddIndex(
            model_name='recordkeys',
            index=models.Index(fields=['council', 'nhs_head'], name='people_keys_nhs_head'),
        ),
        migrations.AddIndex(
            model_name='recordkeys',
            index=models.Index(fields=['council', 'nhs_number'], name='people_keys_nhs_number'),
        ),
        migrations.AddIndex(
            model_name='recordkeys',
            index=models.Index(fields=['council', 'nhs_tail'], name='people_keys_nhs_tail'),
        ),
        migrations.AddIndex(
            model_name='recordkeys',
            index=models.Index(fields=['council', 'postcode'], name='people_keys_postcode'),
        ),
        # SQLite remakes people_sourcerecord to drop its council index, and its planner statistics go
        # with the old table; without them it reads a few records by id through a council-wide index
        # (a second at a million records). The full run refreshes them too (people.bulk).
        migrations.RunSQL(
            ["ANALYZE people_sourcerecord", "ANALYZE people_recordkeys"], reverse_sql=migrations.RunSQL.noop
        ),
    ]
