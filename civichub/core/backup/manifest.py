"""The manifest of a backup: what was taken, from which platform, and every file's size and SHA-256.

It is written last, so a folder without one is an unfinished backup; a restore trusts nothing in the
folder until each file it names has been hashed again and matches.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from civichub.core.errors import FieldError, Refused

FORMAT = "civichub-backup"
FORMAT_VERSION = 1
NAME = "manifest.json"
# The stored files keep their storage names below this folder of the backup.
STORAGE_DIR = "storage"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup folder, with forward slashes
    size: int
    sha256: str


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


@dataclass(frozen=True)
class Manifest:
    created_at: str
    civichub_version: str
    vendor: str
    database_file: str
    database_tool: str
    migrations: dict[str, str]  # app label -> its latest applied migration
    audit_head: ChainHead
    files: tuple[FileEntry, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "civichub_version": self.civichub_version,
            "database": {"vendor": self.vendor, "file": self.database_file, "tool": self.database_tool},
            "migrations": self.migrations,
            "audit_head": asdict(self.audit_head),
            "files": [asdict(f) for f in self.files],
        }

    @property
    def stored_files(self) -> list[tuple[FileEntry, str]]:
        """The files of `default_storage`, each with its storage name."""
        prefix = STORAGE_DIR + "/"
        return [(f, f.path.removeprefix(prefix)) for f in self.files if f.path.startswith(prefix)]


def copy_and_hash(source: IO[bytes], target: Path) -> FileEntry:
    """Copy a stream to a file, hashing it on the way (one read of the source, whatever its size)."""
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return FileEntry(path="", size=size, sha256=digest.hexdigest())


def hash_file(root: Path, relative: str) -> FileEntry:
    digest, size = hashlib.sha256(), 0
    with (root / relative).open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(path=relative, size=size, sha256=digest.hexdigest())


def write(folder: Path, manifest: Manifest) -> str:
    """Write the manifest (atomically: a crash leaves no half-written manifest) and return its SHA-256."""
    body = json.dumps(manifest.as_json(), indent=2, sort_keys=True).encode() + b"\n"
    partial = folder / (NAME + ".partial")
    partial.write_bytes(body)
    os.replace(partial, folder / NAME)
    return hashlib.sha256(body).hexdigest()


def _is_inside(path: str) -> bool:
    """A path a backup may name: relative, below the folder, with no way out of it."""
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and "\\" not in path and ".." not in pure.parts


def read(folder: Path) -> tuple[Manifest, str]:
    """The folder's manifest and its SHA-256, or Refused saying why it cannot be used."""
    where = folder / NAME
    if not where.is_file():
        raise Refused.on(
            NAME, f"There is no {NAME} in {folder}: it is not a backup, or the backup never finished."
        )
    body = where.read_bytes()
    try:
        data = json.loads(body)
        if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
            raise Refused.on(
                NAME,
                f"It is not a civichub backup of format {FORMAT_VERSION} "
                f"(it says {data.get('format')!r}, version {data.get('format_version')!r}).",
            )
        database = data["database"]
        manifest = Manifest(
            created_at=str(data["created_at"]),
            civichub_version=str(data["civichub_version"]),
            vendor=str(database["vendor"]),
            database_file=str(database["file"]),
            database_tool=str(database["tool"]),
            migrations={str(app): str(name) for app, name in data["migrations"].items()},
            audit_head=ChainHead(seq=int(data["audit_head"]["seq"]), hash=str(data["audit_head"]["hash"])),
            files=tuple(
                FileEntry(path=str(f["path"]), size=int(f["size"]), sha256=str(f["sha256"]))
                for f in data["files"]
            ),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Refused.on(NAME, f"It cannot be read ({type(exc).__name__}: {exc}).") from exc
    return manifest, hashlib.sha256(body).hexdigest()


def check_files(folder: Path, manifest: Manifest) -> None:
    """Refuse unless every file the manifest names is in the folder with its size and SHA-256."""
    problems = list(_problems(folder, manifest))
    if problems:
        raise Refused(
            f"The backup in {folder} does not match its manifest ({len(problems)} problem(s)): "
            "nothing was restored.",
            problems,
        )


def _problems(folder: Path, manifest: Manifest) -> Iterable[FieldError]:
    names = [f.path for f in manifest.files]
    if manifest.database_file not in names:
        yield FieldError(manifest.database_file, "the database file is not listed in the manifest")
    for entry in manifest.files:
        if not _is_inside(entry.path) or (
            entry.path != manifest.database_file and not entry.path.startswith(STORAGE_DIR + "/")
        ):
            yield FieldError(entry.path, "the manifest names a file outside the backup's folders")
        elif not (folder / entry.path).is_file():
            yield FieldError(entry.path, "the file is missing")
        else:
            found = hash_file(folder, entry.path)
            if found.size != entry.size or found.sha256 != entry.sha256:
                yield FieldError(
                    entry.path,
                    f"its SHA-256 is {found.sha256} ({found.size} bytes) but the manifest says "
                    f"{entry.sha256} ({entry.size} bytes): the file was changed or damaged",
                )
