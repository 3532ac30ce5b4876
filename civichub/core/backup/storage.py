"""The stored-files half of a backup: every file of a Django storage, walked and written through its API.

Only `listdir`, `open` and `save` are used, so the same code backs up a folder on disk or an object
store (django-storages), and restores into either.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage

from civichub.core.backup.manifest import STORAGE_DIR, FileEntry, copy_and_hash


def names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file's storage name, folder by folder."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a storage folder not yet made holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(folders):
        yield from names(storage, posixpath.join(folder, sub) if folder else sub)


def some_names(storage: Storage, how_many: int) -> list[str]:
    return list(islice(names(storage), how_many))


def copy_out(storage: Storage, folder: Path) -> list[FileEntry]:
    """Copy every stored file below `folder`, hashing each as it is written."""
    copied = []
    for name in names(storage):
        target = folder / STORAGE_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            stream = storage.open(name, "rb")
        except FileNotFoundError:
            # Deleted since it was listed: an import finished and removed its upload. It is not part
            # of the platform any more, so the backup is complete without it.
            continue
        with stream:
            written = copy_and_hash(stream, target)
        copied.append(FileEntry(f"{STORAGE_DIR}/{name}", written.size, written.sha256))
    return copied


def copy_in(folder: Path, files: list[tuple[FileEntry, str]], storage: Storage) -> None:
    """Save each backed-up file into the storage under its old name (the caller found it empty)."""
    for entry, name in files:
        with (folder / entry.path).open("rb") as stream:
            saved = storage.save(name, File(stream, name=name))
        if saved != name:
            raise RuntimeError(f"The storage saved {name!r} as {saved!r}: was it written to meanwhile?")
