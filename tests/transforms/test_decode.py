"""Bytes -> text: encodings, binary detection, normalisation."""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile

import pytest

from transforms.text.decode import DecodeError, decode_bytes, is_binary, normalize_text

TEXT = "Café owners said “prices” rose 5% — naïve résumé, Zürich."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16-le"),  # BOM + little endian
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-32"), "utf-32-le"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM: NULs every other byte
        (TEXT.encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf32-bom", "utf16le-nobom", "cp1252"],
)
def test_decodes_unicode_and_cp1252(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data, name="a.txt")
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


@pytest.mark.parametrize(
    "text",
    [
        "Le président a déclaré à la presse que l'économie était en récession.",
        "Zürich: Die Bürger sind müde, sagte der Bürgermeister.",
        "El niño comió piña en la mañana.",
    ],
)
def test_latin1_decodes_correctly(text: str) -> None:
    # charset detectors guess cp1250/cp775 for short Western texts; we must not.
    assert decode_bytes(text.encode("latin-1")).text == text


def test_stray_cp1252_byte_in_utf8() -> None:
    data = "Kim Jong Un — the “leader” said".encode() + b" \x93quoted\x94 text."
    assert decode_bytes(data).text == "Kim Jong Un — the “leader” said “quoted” text."


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (_zip_bytes(), "ZIP"),
        (gzip.compress(b"some text"), "GZIP"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"text with a \x00 NUL byte and more text here" * 3, "NUL"),
        (bytes(range(1, 9)) * 40 + b"some text", "control bytes"),
    ],
)
def test_binary_is_rejected(data: bytes, why: str) -> None:
    assert why in (is_binary(data) or "")
    with pytest.raises(DecodeError, match=r"^x\.bin: looks like binary data") as info:
        decode_bytes(data, name="x.bin")
    assert info.value.reason == "binary"


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b"valid start \xff\xfe\xfd invalid",
        bytes(range(128, 256)) * 3,
    ],
    ids=["bom-lies", "noise"],
)
def test_undecodable(data: bytes) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data, name="bad.txt")
    assert info.value.reason == "undecodable"
    assert "bad.txt" in info.value.detail


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc\n", "a\nb\nc\n"),
        ("line\u2028next\u2029end", "line\nnext\nend"),
        ("Cafe\u0301", "Café"),  # NFD -> NFC
        ("bell\x07 and esc\x1b gone\x7f", "bell and esc gone"),
        ("zero\u200bwidth\ufeff soft\u00adhyphen", "zerowidth softhyphen"),
        ("tab\tkept", "tab\tkept"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_declared_charset_used_when_it_fits() -> None:
    text = "Привет, мир - новости дня."
    data = text.encode("koi8-r")
    assert decode_bytes(data, declared="koi8-r").text == text
    # a wrong declaration does not beat valid UTF-8
    assert decode_bytes(TEXT.encode(), declared="iso-8859-1").text == TEXT
