"""Bytes -> text: encoding detection, binary detection and text normalisation.

Order of attempts (first that fits wins):

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. binary sniffing: known magic numbers (PDF, PNG, ZIP, GZIP, ...), NUL bytes, a high ratio
   of ASCII control bytes -> :class:`DecodeError` with reason ``binary``;
3. UTF-8 (strict) -- valid UTF-8 with non-ASCII bytes is almost never anything else;
4. the encoding the source declares (HTTP ``charset``), if the bytes decode with it;
5. mostly-UTF-8 input with a few stray legacy bytes: those bytes are decoded as cp1252;
6. cp1252 (a superset of the printable part of latin-1), when the result looks like Western
   text (few non-ASCII letters) -- charset detectors are unreliable on short Western texts;
7. charset-normalizer's best guess;
8. otherwise :class:`DecodeError` with reason ``undecodable``.

The text is then normalised: newlines to ``\\n``, NFC, control characters (other than
``\\n`` and ``\\t``), zero-width characters, bidi controls (LRM/RLM/ALM, embeddings,
overrides, isolates) and stray BOMs removed.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import NamedTuple

import charset_normalizer

from transforms.errors import InputError

__all__ = [
    "DecodeError",
    "DecodedText",
    "decode_bytes",
    "is_binary",
    "normalize_text",
    "wide_encoding",
]

#: (magic prefix, file kind) of common binary formats that are not articles.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x1f\x8b", "GZIP"),
    (b"BZh", "BZIP2"),
    (b"\xfd7zXZ\x00", "XZ"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x7fELF", "ELF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 (old Office)"),
    (b"PAR1", "Parquet"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"OggS", "Ogg"),
    (b"ID3", "MP3"),
    (b"RIFF", "RIFF (WAV/AVI/WebP)"),
    (b"\x00\x00\x00\x18ftyp", "MP4"),
    (b"\x00\x00\x00\x20ftyp", "MP4"),
    (b"\x28\xb5\x2f\xfd", "Zstandard"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: ASCII control bytes that never occur in text (everything below 0x20 except \t \n \f \r,
#: plus ESC is allowed as it appears in some terminal-pasted text; DEL counts as control).
_CONTROL_BYTES = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}) | {0x7F}
_SNIFF_SIZE = 8192
_MAX_CONTROL_RATIO = 0.05
#: cp1252 output is accepted when at most this share of its letters is non-ASCII.
_MAX_NON_ASCII_LETTERS = 0.3

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
#: Control characters (Cc) except tab and newline, zero-width and bidi marks, stray BOMs,
#: soft hyphens.
_STRIP = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200d\u2060\ufeff\ufffe\uffff"
    # bidi controls: ALM, LRM, RLM, LRE..RLO embeddings and overrides, LRI..PDI isolates
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


class DecodeError(InputError, ValueError):
    """Bytes that cannot become text.

    Attributes:
        reason: ``binary`` or ``undecodable`` (a :class:`transforms.types.Reject` code).
        detail: One sentence naming the input and the problem.
    """


class DecodedText(NamedTuple):
    """Decoded, normalised text and the encoding it was read with."""

    text: str
    encoding: str


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode a stray non-UTF-8 byte as cp1252 (or U+FFFD)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("presslake.cp1252", _cp1252_fallback)


def is_binary(data: bytes) -> str | None:
    """Say why ``data`` looks binary, or return ``None`` when it may be text.

    Args:
        data: Raw bytes (only the first few KiB are inspected). Inputs starting with a
            UTF-16/32 byte-order mark are text.

    Returns:
        A short description such as ``"PDF file"`` or ``"NUL bytes"``, or ``None``.
    """
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return f"{kind} file"
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    head = data[:_SNIFF_SIZE]
    if not head:
        return None
    if b"\x00" in head:
        if _utf16_without_bom(head) is None:
            return "NUL bytes"
        return None
    controls = sum(1 for byte in head if byte in _CONTROL_BYTES)
    if controls / len(head) > _MAX_CONTROL_RATIO:
        return f"{controls} control bytes in the first {len(head)} bytes"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """Guess UTF-16 without BOM: NULs in every other byte, as in ASCII-heavy UTF-16 text."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    odd_nuls = sum(1 for i in range(1, 2 * pairs, 2) if head[i] == 0)
    even_nuls = sum(1 for i in range(0, 2 * pairs, 2) if head[i] == 0)
    if odd_nuls >= 0.6 * pairs and even_nuls == 0:
        return "utf-16-le"
    if even_nuls >= 0.6 * pairs and odd_nuls == 0:
        return "utf-16-be"
    return None


def wide_encoding(head: bytes) -> str | None:
    """The codec of a UTF-16/32 stream from its first bytes (BOM, or NULs in every other
    byte), or ``None`` for byte-oriented encodings (UTF-8, legacy ones).

    Line-by-line readers (JSONL, CSV) cannot split such a stream on ``b"\\n"``: they read
    it through this codec instead. The codec named for a BOM consumes the BOM.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return None if encoding == "utf-8" else encoding.removesuffix("-le").removesuffix("-be")
    if b"\x00" in head[:_SNIFF_SIZE]:
        return _utf16_without_bom(head[:_SNIFF_SIZE])
    return None


def _looks_western(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    non_ascii = sum(1 for ch in letters if ord(ch) > 127)
    return non_ascii / len(letters) <= _MAX_NON_ASCII_LETTERS


def _decode_raw(data: bytes, name: str, declared: str | None) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    "undecodable",
                    f"{name}: starts with a {encoding} byte-order mark but is not valid "
                    f"{encoding} ({exc.reason} at byte {exc.start + len(bom)}).",
                ) from exc
    why = is_binary(data)
    if why is not None:
        raise DecodeError("binary", f"{name}: looks like binary data ({why}), not text.")
    if b"\x00" in data[:_SNIFF_SIZE]:
        encoding = _utf16_without_bom(data[:_SNIFF_SIZE]) or "utf-16"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise DecodeError(
                "undecodable", f"{name}: looks like {encoding} without a BOM but is not valid."
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            codec = codecs.lookup(declared).name
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    lenient = data.decode("utf-8", errors="replace")
    n_bad = lenient.count("\ufffd")
    n_good = sum(1 for ch in lenient if ord(ch) > 127) - n_bad
    if n_good > n_bad:
        # Mostly UTF-8 with a few stray legacy bytes (a pasted cp1252 quote, say).
        return data.decode("utf-8", errors="presslake.cp1252"), "utf-8+cp1252"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _looks_western(text):
        return text, "cp1252"
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    if text:
        return text, "cp1252"
    raise DecodeError(
        "undecodable",
        f"{name}: is neither UTF-8 nor a legacy encoding that could be detected.",
    )


def normalize_text(text: str) -> str:
    """Normalise decoded text: ``\\n`` newlines, NFC, no control or zero-width characters.

    Args:
        text: Any text.

    Returns:
        The normalised text (tabs and newlines kept, nothing else changed).
    """
    text = _NEWLINES.sub("\n", text)
    text = _STRIP.sub("", text)
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, *, name: str = "<bytes>", declared: str | None = None) -> DecodedText:
    """Decode ``data`` to normalised text, detecting its encoding.

    Args:
        data: Raw bytes of a text document.
        name: The input's name (path, URL), used in error messages.
        declared: Encoding the source declares (HTTP ``charset``); used when the bytes
            decode with it, ignored otherwise.

    Returns:
        The normalised text and the encoding that was used.

    Raises:
        DecodeError: ``binary`` when the bytes are not text (magic number, NUL bytes,
            control bytes), ``undecodable`` when no encoding fits.
    """
    text, encoding = _decode_raw(data, name, declared)
    return DecodedText(normalize_text(text), encoding)
