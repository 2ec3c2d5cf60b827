#!/usr/bin/env python3
"""Draws wsprobe's icon (a rounded blue square with two opposite message arrows) and writes
icon-64.rgba (raw RGBA, embedded in the binary) and icon.png (256 px). Standard library only."""
import struct
import zlib


def inside_shape(x, y):
    """Colour at (x, y) in a 0..1 square, or None for transparent."""
    r = 0.2  # corner radius
    cx = min(max(x, r), 1 - r)
    cy = min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r or not (0 <= x <= 1 and 0 <= y <= 1):
        return None
    # Top arrow pointing right, bottom arrow pointing left.
    def arrow(y0, right):
        t = 0.07  # half thickness
        head = 0.17
        x0, x1 = 0.2, 0.8
        tip = x1 if right else x0
        base = tip - head if right else tip + head
        if abs(y - y0) <= t and min(x0, base) <= x <= max(x1, base) and (
            (right and x <= base) or (not right and x >= base)
        ):
            return True
        d = (tip - x) if right else (x - tip)
        return 0 <= d <= head and abs(y - y0) <= d * 1.1
    if arrow(0.36, True) or arrow(0.64, False):
        return (255, 255, 255, 255)
    g = y  # vertical gradient
    return (int(40 + 20 * g), int(110 - 40 * g), int(220 - 60 * g), 255)


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


if __name__ == "__main__":
    open("icon-64.rgba", "wb").write(render(64))
    open("icon.png", "wb").write(png(256, render(256, 2)))
