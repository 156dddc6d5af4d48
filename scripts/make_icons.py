"""Draws the app's icons (static/icons/*.png) without an image library: two
white neighbours' heads and shoulders on the app's green. Run once after a
change of design: `python3 scripts/make_icons.py`."""

import struct
import zlib
from pathlib import Path

GREEN, WHITE = (11, 92, 74), (255, 255, 255)


def png(width: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def icon(size: int, *, safe: float) -> bytes:
    """`safe`: the share of the icon the drawing keeps inside (a maskable
    icon keeps it within the central 80 %)."""
    s = size * safe
    o = (size - s) / 2
    people = [(o + s * 0.36, o + s * 0.36), (o + s * 0.64, o + s * 0.36)]  # heads' centres
    head, body = s * 0.12, s * 0.22
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            colour = GREEN
            for cx, cy in people:
                if (x - cx) ** 2 + (y - cy) ** 2 <= head**2:
                    colour = WHITE
                by = cy + s * 0.38  # shoulders: the top of a circle below the head
                if y < o + s * 0.8 and (x - cx) ** 2 + (y - by) ** 2 <= body**2:
                    colour = WHITE
            row += bytes(colour)
        rows.append(bytes(row))
    return png(size, rows)


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "static" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(icon(size, safe=1.0))
        (out / f"maskable-{size}.png").write_bytes(icon(size, safe=0.8))
