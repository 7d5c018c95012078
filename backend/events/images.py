"""Photo bytes: what they really are (never trust the declared type) and metadata removal.

We parse the container ourselves instead of re-encoding: the pixels stay untouched, and every metadata
block that can carry GPS or device data (JPEG APP1 Exif/XMP, APP13 IPTC, comments; PNG text and eXIf
chunks) is dropped. A file that does not parse as a whole JPEG or PNG is refused.
"""

import struct
import zlib

JPEG = "image/jpeg"
PNG = "image/png"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG markers whose segments may hold personal metadata: APP1 (Exif, XMP), APP12, APP13 (IPTC), COM.
_JPEG_METADATA_MARKERS = {0xE1, 0xEC, 0xED, 0xFE}
# PNG ancillary chunks that carry text, dates or Exif.
_PNG_METADATA_CHUNKS = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


class NotAnImageError(ValueError):
    """The bytes are not a complete JPEG or PNG."""


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    return None


def strip_metadata(data: bytes) -> tuple[str, bytes]:
    """The real content type and the image without metadata; raises NotAnImageError."""
    kind = sniff(data)
    if kind == JPEG:
        return JPEG, _strip_jpeg(data)
    if kind == PNG:
        return PNG, _strip_png(data)
    raise NotAnImageError("not a JPEG or PNG image")


def _strip_jpeg(data: bytes) -> bytes:
    kept = bytearray(b"\xff\xd8")
    position = 2
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise NotAnImageError("broken JPEG segment structure")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the compressed image follows, up to the end marker
            rest = data[position:]
            if not rest.rstrip(b"\x00").endswith(b"\xff\xd9"):
                raise NotAnImageError("the JPEG is truncated (no end-of-image marker)")
            kept += rest
            return bytes(kept)
        if 0xD0 <= marker <= 0xD9 or marker == 0x01:
            raise NotAnImageError("unexpected JPEG marker before the image data")
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise NotAnImageError("a JPEG segment runs past the end of the file")
        if marker not in _JPEG_METADATA_MARKERS:
            kept += data[position:end]
        position = end


def _strip_png(data: bytes) -> bytes:
    kept = bytearray(_PNG_SIGNATURE)
    position = len(_PNG_SIGNATURE)
    first = True
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunk_type = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise NotAnImageError("a PNG chunk runs past the end of the file")
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : end])
        if zlib.crc32(chunk_type + body) != crc:
            raise NotAnImageError("a PNG chunk is corrupt (bad CRC)")
        if first and chunk_type != b"IHDR":
            raise NotAnImageError("a PNG must start with its header chunk")
        first = False
        if chunk_type not in _PNG_METADATA_CHUNKS:
            kept += data[position:end]
        if chunk_type == b"IEND":
            return bytes(kept)
        position = end
    raise NotAnImageError("the PNG is truncated (no end chunk)")
