#!/usr/bin/env python3
"""Draws wsprobe's icon (a rounded blue square with two opposite message arrows) and writes
icon-64.rgba (raw RGBA, embedded in the binary), icon.png (256 px), and the freedesktop theme
icons the Debian package installs: icons/hicolor/{48x48,128x128,256x256}/apps/wsprobe.png and
icons/hicolor/scalable/apps/wsprobe.svg (the same shapes as vectors). Standard library only.
Run it from assets/."""
import os
import struct
import zlib

# The shapes, in a 0..1 square: the raster and the SVG both draw from these.
CORNER = 0.2  # corner radius
ARROWS = ((0.36, True), (0.64, False))  # (centre y, points right)
HALF_THICKNESS = 0.07
HEAD = 0.17  # head length; its half height is HEAD * HEAD_SLOPE
HEAD_SLOPE = 1.1
SHAFT = (0.2, 0.8)
TOP, BOTTOM = (40, 110, 220), (60, 70, 160)  # the vertical gradient's ends


def inside_shape(x, y):
    """Colour at (x, y) in a 0..1 square, or None for transparent."""
    r = CORNER
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r or not (0 <= x <= 1 and 0 <= y <= 1):
        return None
    # Top arrow pointing right, bottom arrow pointing left.
    def arrow(y0, right):
        t = HALF_THICKNESS
        head = HEAD
        x0, x1 = SHAFT
        tip = x1 if right else x0
        base = tip - head if right else tip + head
        if abs(y - y0) <= t and min(x0, base) <= x <= max(x1, base) and (
            (right and x <= base) or (not right and x >= base)
        ):
            return True
        d = (tip - x) if right else (x - tip)
        return 0 <= d <= head and abs(y - y0) <= d * HEAD_SLOPE
    if any(arrow(y0, right) for y0, right in ARROWS):
        return (255, 255, 255, 255)
    g = y  # vertical gradient
    return tuple(int(a + (b - a) * g) for a, b in zip(TOP, BOTTOM)) + (255,)


def render(size, ss=4):
    out = bytearray()
    for py in range(size):
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    c = inside_shape((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size)
                    if c:
                        for i in range(3):
                            acc[i] += c[i] * c[3]
                        acc[3] += c[3]
            n = ss * ss
            a = acc[3] / n
            if a > 0:
                out += bytes(int(acc[i] / acc[3]) for i in range(3)) + bytes([int(a)])
            else:
                out += bytes(4)
    return bytes(out)


def png(size, rgba):
    raw = b"".join(b"\0" + rgba[y * size * 4:(y + 1) * size * 4] for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def arrow_points(y0, right):
    """The outline of one arrow (shaft and head), clockwise, in the 0..1 square."""
    x0, x1 = SHAFT
    t, half = HALF_THICKNESS, HEAD * HEAD_SLOPE
    if right:
        base = x1 - HEAD
        return [(x0, y0 - t), (base, y0 - t), (base, y0 - half), (x1, y0),
                (base, y0 + half), (base, y0 + t), (x0, y0 + t)]
    base = x0 + HEAD
    return [(x1, y0 + t), (base, y0 + t), (base, y0 + half), (x0, y0),
            (base, y0 - half), (base, y0 - t), (x1, y0 - t)]


def svg(size=256):
    def n(v):
        return f"{v * size:.2f}".rstrip("0").rstrip(".")
    colour = "#{:02x}{:02x}{:02x}".format
    arrows = "\n".join(
        '  <polygon fill="#ffffff" points="'
        + " ".join(f"{n(x)},{n(y)}" for x, y in arrow_points(y0, right)) + '"/>'
        for y0, right in ARROWS)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">
  <title>wsprobe</title>
  <defs>
    <linearGradient id="body" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="{colour(*TOP)}"/>
      <stop offset="1" stop-color="{colour(*BOTTOM)}"/>
    </linearGradient>
  </defs>
  <rect width="{size}" height="{size}" rx="{n(CORNER)}" fill="url(#body)"/>
{arrows}
</svg>
"""


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    open(path, "wb").write(data)


if __name__ == "__main__":
    write("icon-64.rgba", render(64))
    write("icon.png", png(256, render(256, 2)))
    for size in (48, 128, 256):
        write(f"icons/hicolor/{size}x{size}/apps/wsprobe.png",
              png(size, render(size, 4 if size < 256 else 2)))
    write("icons/hicolor/scalable/apps/wsprobe.svg", svg().encode())
