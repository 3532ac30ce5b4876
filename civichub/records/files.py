"""Files on the way in: what a file really is (read from its content, not its name), whether it may be
kept, and its text for the full-text index.

Six types are accepted: PDF, DOCX, ODT, CSV, PNG and JPEG. Each is recognised by a few bytes or, for the
two office formats, by the parts their zip must hold, so no third-party sniffing library is needed for so
few types. Every refusal names the field (`file`) and says why; nothing is stored until a file passes.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from xml.etree import ElementTree

from django.conf import settings

from civichub.core.errors import Refused

PDF, DOCX, ODT, CSV, PNG, JPEG = "pdf", "docx", "odt", "csv", "png", "jpeg"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ODT: "application/vnd.oasis.opendocument.text",
    CSV: "text/csv",
    PNG: "image/png",
    JPEG: "image/jpeg",
}
NAMES = {PDF: "a PDF", DOCX: "a Word document (DOCX)", ODT: "an OpenDocument text (ODT)", CSV: "CSV text"}
NAMES |= {PNG: "a PNG image", JPEG: "a JPEG image"}
SUFFIXES = {".pdf": PDF, ".docx": DOCX, ".odt": ODT, ".csv": CSV, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# A DOCX or ODT is a zip: refuse one that would unpack to more than this, or that squeezes any part
# more than this many times (text compresses about 10 times; a zip bomb thousands of times).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 5_000
# What the index keeps of a document's text: enough for any real document's words to be found.
MAX_TEXT_CHARS = 1_000_000
MAX_PDF_PAGES = 2_000


def max_upload_bytes() -> int:
    return int(getattr(settings, "CIVICHUB_RECORDS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


@dataclass
class CheckedFile:
    """A file that may be kept: its kind, content type, text for the index and what was read of it."""

    kind: str
    content_type: str
    text: str
    details: dict[str, Any] = field(default_factory=dict)


def _refuse(message: str) -> Refused:
    return Refused.on("file", message)


def claimed_kind(file_name: str) -> str:
    suffix = PurePath(file_name.replace("\\", "/")).suffix.lower()
    kind = SUFFIXES.get(suffix)
    if kind is None:
        raise _refuse(
            f"Files named {suffix or 'without a suffix'} cannot be kept here: upload a PDF, DOCX, ODT, "
            "CSV, PNG or JPEG file"
        )
    return kind


def _zip_kind(content: bytes) -> tuple[str | None, zipfile.ZipFile | None]:
    """DOCX, ODT or neither, having refused a zip bomb from the zip's own directory (nothing unpacked)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _refuse(f"The file is damaged: its zip structure cannot be read ({exc})") from exc
    if len(parts) > MAX_PARTS:
        raise _refuse(f"The file holds {len(parts):,} parts; a document has far fewer (a zip bomb?)")
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(
            f"The file would unpack to {unpacked // (1024 * 1024):,} MB, more than the "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB allowed (a zip bomb?)"
        )
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise _refuse(
                f"Part {part.filename[:80]} is compressed {part.file_size // max(part.compress_size, 1):,} "
                f"times, more than {MAX_RATIO} (a zip bomb?)"
            )
    names = {p.filename for p in parts}
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX, archive
    if "mimetype" in names and "content.xml" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
        return ODT, archive
    return None, archive


def _looks_like_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)


def sniff(content: bytes) -> tuple[str | None, zipfile.ZipFile | None]:
    """The kind of file the content is (one of the six, or None), and its zip if it is one."""
    if content.startswith(b"%PDF-"):
        return PDF, None
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, None
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG, None
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if _looks_like_text(content):
        return CSV, None
    return None, None


def check(file_name: str, content: bytes) -> CheckedFile:
    """Refuse a file that is empty, too big, not what its name says, an encrypted PDF or a zip bomb;
    otherwise read its text (and what can be known of an image without OCR)."""
    limit = max_upload_bytes()
    if not content:
        raise _refuse("The file is empty")
    if len(content) > limit:
        raise _refuse(f"The file is larger than {limit // (1024 * 1024)} MB, the most that can be kept")
    claimed = claimed_kind(file_name)
    actual, archive = sniff(content)
    if actual != claimed:
        what = NAMES[actual] if actual else "not a type that can be kept"
        raise _refuse(f"The file is named as {NAMES[claimed]}, but its content is {what}")
    if actual == PDF:
        text, details = _pdf(content)
    elif actual in (DOCX, ODT):
        assert archive is not None
        text, details = (_docx(content) if actual == DOCX else _odt(archive)), {}
    elif actual == CSV:
        text, details = content.decode("utf-8-sig"), {}
    else:
        text, details = "", _image_size(actual, content)
    return CheckedFile(actual, CONTENT_TYPES[actual], text[:MAX_TEXT_CHARS], details)


def _pdf(content: bytes) -> tuple[str, dict[str, Any]]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise _refuse("The PDF is encrypted (password-protected): upload it without the password")
        pages = reader.pages
        texts, size = [], 0
        for page in list(pages)[:MAX_PDF_PAGES]:
            text = page.extract_text() or ""
            texts.append(text)
            size += len(text)
            if size > MAX_TEXT_CHARS:
                break
        return "\n".join(texts), {"pages": len(pages)}
    except Refused:
        raise
    except RecursionError as exc:
        raise _refuse("The PDF is damaged and cannot be read (it refers to itself)") from exc
    # pypdf raises many kinds of error on a damaged file (its own, and whatever its parsing meets: struct,
    # zlib, arithmetic, decoding); any of them means only that this file cannot be read.
    except Exception as exc:
        raise _refuse(f"The PDF is damaged and cannot be read ({type(exc).__name__})") from exc


def _docx(content: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
        texts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                texts.append(" ".join(cell.text for cell in row.cells))
    except Exception as exc:
        # python-docx raises whatever lxml or its own parts raise on a damaged file; all mean the same.
        raise _refuse(f"The Word document is damaged and cannot be read ({type(exc).__name__})") from exc
    return "\n".join(texts)


def _odt(archive: zipfile.ZipFile) -> str:
    """The text of an ODT's content.xml: every text node, in order (no third-party parser needed)."""
    try:
        root = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 - expat 2.5 refuses entity bombs
    except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise _refuse(f"The OpenDocument file is damaged and cannot be read ({type(exc).__name__})") from exc
    paragraph = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
    return "\n".join("".join(p.itertext()) for p in root.iter(paragraph))


def _image_size(kind: str, content: bytes) -> dict[str, Any]:
    """Width and height from the image's header: no OCR, so this and the title are what is indexed."""
    try:
        if kind == PNG:
            width, height = struct.unpack(">II", content[16:24])
            return {"width": width, "height": height}
        at = 2
        while at + 9 < len(content):
            if content[at] != 0xFF:
                break
            marker, length = content[at + 1], struct.unpack(">H", content[at + 2 : at + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", content[at + 5 : at + 9])
                return {"width": width, "height": height}
            at += 2 + length
    except struct.error:
        pass
    raise _refuse("The image is damaged: its size cannot be read")
