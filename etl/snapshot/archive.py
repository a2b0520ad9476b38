"""The snapshot's zip, written by hand in one canonical form so that verify can check every byte.

The manifest covers each entry's content and the signature covers the manifest, but a zip also has
bytes of its own (headers, timestamps, a comment) that neither covers. So the file is written in
exactly one way — entries STORED (Parquet is compressed inside), fixed header fields, no extra fields,
no comment — and verify rebuilds that form from the entries it read and compares it with the file: a
changed byte anywhere is found, not only in the content. zipfile is not used to write because its
output depends on the Python version and platform (create_system, extra fields); this layout is ours
and stays fixed. Any zip reader can open it. Stored entries also mean that nothing in a snapshot is
ever decompressed: an entry's size in the file is its size.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib

# What a snapshot may be. A branch's snapshot is tens of kilobytes; these leave room for a branch of
# thousands of members while a hostile file is refused by its declared sizes before anything is read.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 16
MAX_MANIFEST_BYTES = 1024 * 1024

_VERSION = 20  # 2.0: stored entries, no zip64
_UTF8_NAMES = 0x0800  # general purpose flag bit 11: names are UTF-8
_MADE_ON_UNIX = 3 << 8
_REGULAR_FILE = (0o100644 << 16) & 0xFFFFFFFF


def dos_time(when: dt.datetime) -> tuple[int, int]:
    """(time, date) fields of a zip header; DOS time starts in 1980 and counts seconds in twos."""
    when = max(when, dt.datetime(1980, 1, 1, tzinfo=when.tzinfo))
    return (when.hour << 11) | (when.minute << 5) | (when.second // 2), (
        ((when.year - 1980) << 9) | (when.month << 5) | when.day
    )


def pack(entries: list[tuple[str, bytes]], when: dt.datetime) -> bytes:
    """The canonical zip of ``entries`` (name, content), in that order, each dated ``when``."""
    time_field, date_field = dos_time(when)
    local, central = bytearray(), bytearray()
    for name, content in entries:
        encoded = name.encode("utf-8")
        crc, size, offset = zlib.crc32(content), len(content), len(local)
        local += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            _VERSION,
            _UTF8_NAMES,
            0,
            time_field,
            date_field,
            crc,
            size,
            size,
            len(encoded),
            0,
        )
        local += encoded + content
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            _MADE_ON_UNIX | _VERSION,
            _VERSION,
            _UTF8_NAMES,
            0,
            time_field,
            date_field,
            crc,
            size,
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            _REGULAR_FILE,
            offset,
        )
        central += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
    return bytes(local + central + end)


def first_difference(a: bytes, b: bytes) -> int:
    """The offset of the first byte where a and b differ (the shorter length when one is a prefix)."""
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
