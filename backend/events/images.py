"""Photo bytes: what they really are (never trust the declared type), decoded and re-encoded clean.

Metadata hides in too many places to strip by hand (Exif after the start of scan, APP4 or private PNG
chunks, multi-picture JPEGs, trailers phones append), so the photo is decoded with Pillow and only its
pixels are encoded again: upright (Exif orientation applied), at most 2048 px on the long side, JPEG at
quality 85 or PNG for PNG input, with no metadata at all. Files that do not decode are refused, and so
are files with more pixels than a phone takes (decompression bombs), before their pixels are decoded.
"""

import io

from PIL import Image, ImageOps

JPEG = "image/jpeg"
PNG = "image/png"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 2048
JPEG_QUALITY = 85
# More than any phone camera's full resolution (a 48 MP sensor is 8000 x 6000).
MAX_PIXELS = 50_000_000
# Pillow's own guard, for every image this process opens: a warning above it, an error above twice it.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class NotAnImageError(ValueError):
    """The bytes are not a complete JPEG or PNG."""


class TooManyPixelsError(ValueError):
    """The image declares more pixels than a photo has: a decompression bomb."""


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    return None


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its Exif orientation says; unreadable Exif leaves it as it is."""
    try:
        turned = ImageOps.exif_transpose(image)
    except Exception:
        return image
    return turned if turned is not None else image


def _pixels_only(image: Image.Image, kind: str) -> Image.Image:
    """A mode the encoder takes, with every metadata entry (Exif, ICC, text) dropped."""
    if kind == JPEG and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif kind == PNG and image.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = "transparency" in image.info or image.mode in ("PA", "RGBa", "La")
        image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}
    return image


def sanitise(data: bytes) -> tuple[str, bytes]:
    """The real content type and the photo re-encoded without metadata.

    Raises NotAnImageError (not a whole JPEG or PNG) or TooManyPixelsError (a decompression bomb).
    """
    kind = sniff(data)
    if kind is None:
        raise NotAnImageError("not a JPEG or PNG image")
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"] if kind == JPEG else ["PNG"]) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise TooManyPixelsError(f"more than {MAX_PIXELS} pixels")
            if kind == JPEG:
                opened.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at a reduced scale when that suffices
            opened.load()
            image = _upright(opened)
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            image = _pixels_only(image, kind)
            out = io.BytesIO()
            if kind == JPEG:
                image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            else:
                image.save(out, format="PNG", optimize=True)
    except Image.DecompressionBombError as exc:
        raise TooManyPixelsError(f"more than {MAX_PIXELS} pixels") from exc
    except TooManyPixelsError:
        raise
    except (OSError, SyntaxError, ValueError) as exc:  # UnidentifiedImageError is an OSError
        raise NotAnImageError("the image does not decode (truncated or damaged)") from exc
    return kind, out.getvalue()
