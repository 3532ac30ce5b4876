"""Keeping content: storing a version in `default_storage` with its SHA-256, and writing a document's
row and text in the full-text index. Called by the records services inside their transactions."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from civichub.core.actors import Actor
from civichub.records import files, index
from civichub.records.models import Document, DocumentVersion, SearchEntry


def store(document: Document, number: int, file_name: str, content: bytes, kind: str) -> str:
    digest = hashlib.sha256(content).hexdigest()
    suffix = PurePath(file_name.replace("\\", "/")).suffix.lower() or f".{kind}"
    name = f"records/{document.council_id}/{document.pk}/v{number}-{digest[:16]}{suffix}"
    return default_storage.save(name, ContentFile(content))


def keep_version(
    actor: Actor, document: Document, number: int, file_name: str, content: bytes, checked: files.CheckedFile
) -> DocumentVersion:
    name = PurePath(file_name.replace("\\", "/")).name[:255] or f"document.{checked.kind}"
    version = DocumentVersion.objects.create(
        council=document.council,
        document=document,
        number=number,
        file_name=name,
        content_type=checked.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        details=checked.details,
        uploaded_by=actor.user,
    )
    # Stored last, once every row is written: a refusal or error before this leaves nothing in storage.
    version.stored_as = store(document, number, name, content, checked.kind)
    version.save(update_fields=["stored_as"])
    return version


def reindex(document: Document, text: str | None) -> None:
    """Write a document's entry and text in the full-text index: its title and description, and the text
    of its content (`None`: the content's text already indexed)."""
    entry, _ = SearchEntry.objects.for_council(document.council).update_or_create(
        document=document,
        defaults={
            "council": document.council,
            "marking": document.marking,
            "record_class": document.record_class,
            "dated": document.dated,
        },
    )
    body = index.body(entry.pk) if text is None else text
    index.write(entry.pk, f"{document.title}\n{document.description}", body)
