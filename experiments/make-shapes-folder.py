#!/usr/bin/env python3
"""Writes a small image folder for experiments/image-folder-vae.yaml: photos/<class>/NNN.bmp.

Two classes, discs and squares, of random colour, size and position on a random background, 96x80
pixels (so that vaelab's resize and centre crop have work to do). Standard library only.
  python3 experiments/make-shapes-folder.py photos --per-class 200 --seed 0
"""
import argparse
import os
import random
import struct


def bmp(path, width, height, pixels):
    """24-bit BMP, bottom-up rows padded to 4 bytes; pixels[y][x] = (r, g, b)."""
    row_bytes = (3 * width + 3) // 4 * 4
    size = 54 + row_bytes * height
    with open(path, "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", size, 0, 0, 54))
        f.write(struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, row_bytes * height, 2835, 2835, 0, 0))
        for y in range(height - 1, -1, -1):
            row = bytearray()
            for r, g, b in pixels[y]:
                row += bytes((b, g, r))
            f.write(row + b"\0" * (row_bytes - len(row)))


def picture(rng, kind, width, height):
    background = tuple(rng.randrange(0, 100) for _ in range(3))
    colour = tuple(rng.randrange(120, 256) for _ in range(3))
    radius = rng.randrange(12, 28)
    cx, cy = rng.randrange(radius, width - radius), rng.randrange(radius, height - radius)
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            inside = ((x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2) if kind == "discs" \
                else (abs(x - cx) <= radius and abs(y - cy) <= radius)
            row.append(colour if inside else background)
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--per-class", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for kind in ("discs", "squares"):
        os.makedirs(os.path.join(args.folder, kind), exist_ok=True)
        for i in range(args.per_class):
            bmp(os.path.join(args.folder, kind, f"{i:03d}.bmp"), 96, 80, picture(rng, kind, 96, 80))
    print(f"wrote {2 * args.per_class} pictures under {args.folder}/discs and {args.folder}/squares")


if __name__ == "__main__":
    main()
