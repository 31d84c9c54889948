"""Logo files for the tests, written byte by byte (no image library needed)."""

import struct
import zlib


def a_png(width: int = 240, height: int = 80, rgb: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    """A plain RGB PNG: a coloured band with a white stripe, so that it shows when printed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(
        b"\x00" + (bytes((255, 255, 255)) if height // 3 <= y < height // 2 else bytes(rgb)) * width
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SVG_LOGO = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="300" height="90" viewBox="0 0 300 90">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#1e5aa0"/>
  <stop offset="1" stop-color="#47a0d8"/></linearGradient></defs>
  <rect x="0" y="0" width="90" height="90" rx="12" fill="url(#g)"/>
  <circle cx="160" cy="45" r="30" fill="#47a0d8"/>
  <path d="M210 75 L245 15 L280 75 Z" fill="#1e5aa0"/>
</svg>
"""

SVG_WITH_SCRIPT = b"""<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <script>alert(document.cookie)</script><rect width="10" height="10"/>
</svg>"""
