"""Headless Chromium (Debian's ``chromium``) for the report tests: screenshots, the DOM after
load, and the network log of a page."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
#: ``initiator`` of the requests the browser makes for itself (updates, sign-in, clock).
BROWSER_INITIATOR = "not an origin"


def chromium_binary() -> str:
    """Path of the chromium binary (``.ci/run`` installs Debian's package)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError("chromium is not installed: apt-get install -y chromium")
    return found


def _run(args: list[str], *, net_log: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="presslake-chromium-") as profile:
        result = subprocess.run(
            [
                chromium_binary(),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--log-net-log={net_log}",
                "--net-log-capture-mode=Everything",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"chromium failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def dump_dom(url: str, *, net_log: Path) -> str:
    """The DOM after the page loaded (and ran whatever scripts it could)."""
    return _run(["--dump-dom", url], net_log=net_log)


def screenshot(
    url: str, out: Path, *, net_log: Path, width: int = 1200, height: int = 3000
) -> Path:
    """A PNG of the top ``width`` x ``height`` pixels of the page."""
    _run([f"--screenshot={out}", f"--window-size={width},{height}", url], net_log=net_log)
    return out


@dataclass(frozen=True)
class Request:
    """One URL request in a Chromium net log."""

    url: str
    initiator: str
    method: str


def requests(net_log: Path) -> list[Request]:
    """Every URL request job Chromium started."""
    log = json.loads(net_log.read_text("utf-8"))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    out = []
    for event in log["events"]:
        if names.get(event["type"]) != "URL_REQUEST_START_JOB":
            continue
        params: dict[str, Any] = event.get("params") or {}
        if "url" not in params:  # the end of a job
            continue
        out.append(
            Request(str(params.get("url")), str(params.get("initiator")), str(params.get("method")))
        )
    return out


def page_requests(net_log: Path) -> list[Request]:
    """The requests a page made (everything but the browser's own background requests)."""
    return [r for r in requests(net_log) if r.initiator != BROWSER_INITIATOR]


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of an 8-bit RGB or RGBA PNG (as RGB bytes per row)."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {color})")
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line if bpp == 3 else bytes(v for j, v in enumerate(line) if j % 4 != 3)))
        prev = line
    return width, height, rows


class DomScan(HTMLParser):
    """What a dumped DOM holds that could run or fetch something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.event_handlers: list[tuple[str, str]] = []
        self.script_links: list[str] = []
        self.body_attrs: dict[str, str | None] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "body":
            self.body_attrs = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.event_handlers.append((tag, name))
            if (
                name in ("href", "src", "xlink:href", "action")
                and value is not None
                and value.strip().lower().startswith(("javascript:", "data:text/html"))
            ):
                self.script_links.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def scan_dom(dom: str) -> DomScan:
    """Parse a dumped DOM."""
    scan = DomScan()
    scan.feed(dom)
    scan.close()
    return scan
