"""Backup and restore of the whole platform: its database and its stored files, with a manifest (ADR 0010).

`services.take_backup` copies a running platform into a folder: the database through SQLite's online
backup API or `pg_dump`, every file of `default_storage`, and last `manifest.json`, which names each
file with its size and SHA-256. `services.restore_backup` checks the folder against its manifest, and
the target's database and storage are empty, before it changes anything; afterwards it verifies the
audit chain of the restored copy.
"""
