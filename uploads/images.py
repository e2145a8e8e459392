"""Uploaded images: the rules an upload must pass, the upright metadata-free original we store,
and the renditions (AVIF, WebP and a JPEG or PNG fallback at a few widths) pages serve."""

import contextlib
import dataclasses
import io
import os
import posixpath
from dataclasses import dataclass

from django import forms
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.tasks import task
from PIL import Image, ImageOps, JpegImagePlugin

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow's format name, the name editors know, and the file name endings that go with it.
FORMATS = {
    "JPEG": ("JPEG", (".jpg", ".jpeg")),
    "PNG": ("PNG", (".png",)),
    "WEBP": ("WebP", (".webp",)),
    "AVIF": ("AVIF", (".avif",)),
}
ACCEPT = "image/jpeg,image/png,image/webp,image/avif"
# The longest side a rendition may have: WebP's limit, the smallest of the formats' (AVIF
# decoders stop at 32768 px, JPEG at 65500). Renditions of a very tall image are made narrower
# to keep within it, so an image may be at most this many times as long as it is wide.
RENDITION_MAX_SIDE = 16383
RULES = (
    "JPEG, PNG, WebP or AVIF, named for its format; at most 10 MB and 40 megapixels, and at most "
    f"{RENDITION_MAX_SIDE:,} times as long as it is wide. It is turned upright, and location, "
    "camera and other metadata are removed."
)

WIDTHS = (480, 960, 1600)
RENDITIONS_FOLDER = "renditions"
# Encoder settings: renditions are for screens, the stored original stays close to the upload.
RENDITION_OPTIONS = {
    "avif": {"format": "AVIF", "quality": 60},
    "webp": {"format": "WEBP", "quality": 80},
    "jpg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
    "png": {"format": "PNG"},
}
ORIGINAL_OPTIONS = {"PNG": {}, "WEBP": {"quality": 90}, "AVIF": {"quality": 85}}
# Kept from the upload: the colour profile (it says how to show the colours, not who or
# where) and PNG transparency. Everything else, EXIF with GPS and camera, XMP, comments, goes.
KEPT_INFO = ("icc_profile", "transparency")


def _label(name):
    return f"“{posixpath.basename(name)}”"


def image_open(file, *, name: str) -> Image.Image:
    """The upload decoded, if it passes every rule; a ValidationError naming the rule if not.

    Cheap checks come first: the size in bytes, then the format and pixel count from the
    header (Image.open reads no pixels), and only then the full decode.
    """
    label = _label(name)
    if file.size > MAX_BYTES:
        raise ValidationError(
            f"{label} is larger than 10 MB (it is {file.size / 1024 / 1024:.1f} MB).",
            code="image_too_large",
        )
    file.seek(0)
    try:
        image = Image.open(file, formats=list(FORMATS))
    except Image.DecompressionBombError:
        # Pillow refuses these in Image.open itself, before we can read their size.
        raise ValidationError(
            f"{label} has more than {2 * Image.MAX_IMAGE_PIXELS // 1_000_000} megapixels; "
            "the limit is 40 megapixels.",
            code="image_too_many_pixels",
        ) from None
    except Image.DecompressionBombWarning:  # only raised where warnings are errors
        raise ValidationError(
            f"{label} has more than {Image.MAX_IMAGE_PIXELS // 1_000_000} megapixels; "
            "the limit is 40 megapixels.",
            code="image_too_many_pixels",
        ) from None
    except Exception:
        raise ValidationError(
            f"{label} is not an image we can read as JPEG, PNG, WebP or AVIF.",
            code="image_unreadable",
        ) from None

    # Cameras write several pictures into one JPEG as "MPO"; it is still a JPEG file.
    image_format = "JPEG" if image.format == "MPO" else image.format
    known_as, endings = FORMATS[image_format]
    ending = posixpath.splitext(name)[1].lower()
    if ending not in endings:
        ends = f"ends in {ending}" if ending else "has no ending"
        raise ValidationError(
            f"{label} is a {known_as} file but its name {ends}; rename it to end in {endings[0]}.",
            code="image_wrong_extension",
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            f"{label} is {width}×{height} pixels; the limit is 40 megapixels.",
            code="image_too_many_pixels",
        )
    if max(width, height) > min(width, height) * RENDITION_MAX_SIDE:
        raise ValidationError(
            f"{label} is {width}×{height} pixels; its long side may be at most "
            f"{RENDITION_MAX_SIDE:,} times its short side.",
            code="image_too_narrow",
        )
    try:
        image.load()
    except Exception:
        raise ValidationError(
            f"{label} is damaged: it could not be decoded completely.", code="image_damaged"
        ) from None
    return image


def image_strip(image: Image.Image) -> tuple[Image.Image, bytes]:
    """The image turned upright as its EXIF orientation says, and encoded again in its own
    format with no metadata but its colour profile."""
    image_format = "JPEG" if image.format == "MPO" else image.format
    options = dict(ORIGINAL_OPTIONS.get(image_format, {}))
    if image_format == "JPEG":
        # The upload's own quantisation tables: about the same quality and size as it came.
        options = {
            "qtables": image.quantization,
            "subsampling": JpegImagePlugin.get_sampling(image),
        }
    upright = ImageOps.exif_transpose(image)
    upright.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    buffer = io.BytesIO()
    upright.save(buffer, image_format, **options)
    return upright, buffer.getvalue()


def rendition_widths(width: int, height: int) -> list[int]:
    """The widths renditions are made at: the standard ones, never wider than the original, nor
    so wide that the height is beyond RENDITION_MAX_SIDE."""
    widest = max(1, min(width, WIDTHS[-1], width * RENDITION_MAX_SIDE // height))
    return [w for w in WIDTHS if w < widest] + [widest]


def rendition_height(width: int, height: int, rendition_width: int) -> int:
    return max(1, round(height * rendition_width / width))


def rendition_name(name: str, width: int, extension: str) -> str:
    """renditions/covers/2025/card.jpg/960.avif: one folder per original, beside no other file."""
    return f"{RENDITIONS_FOLDER}/{name}/{width}.{extension}"


def fallback_extension(name: str) -> str:
    """PNG originals fall back to PNG (they may be transparent), everything else to JPEG."""
    return "png" if name.lower().endswith(".png") else "jpg"


def renditions_encode(*, image: Image.Image, name: str) -> list[tuple[int, str, bytes]]:
    """Every rendition of the upright original `image`, encoded: (width, extension, data)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    icc = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None
    colour = image.convert("RGBA" if has_alpha else "RGB")
    colour.info = {}
    opaque = colour
    if has_alpha:
        opaque = Image.new("RGB", colour.size, "white")
        opaque.paste(colour, mask=colour.getchannel("A"))
    encoded = []
    for width in rendition_widths(image.width, image.height):
        size = (width, rendition_height(image.width, image.height, width))
        for extension in ("avif", "webp", fallback_extension(name)):
            source = opaque if extension == "jpg" else colour
            resized = source if size == source.size else source.resize(size, reducing_gap=3.0)
            buffer = io.BytesIO()
            options = RENDITION_OPTIONS[extension]
            if icc:
                options = {**options, "icc_profile": icc}
            resized.save(buffer, **options)
            encoded.append((width, extension, buffer.getvalue()))
    return encoded


def renditions_write(*, renditions: list[tuple[int, str, bytes]], name: str, storage) -> list[str]:
    """Store encoded renditions of the stored original `name`, replacing any there; if one
    cannot be stored, those stored before it are removed again."""
    written = []
    try:
        for width, extension, data in renditions:
            target = rendition_name(name, width, extension)
            if storage.exists(target):
                storage.delete(target)
            saved = storage.save(target, ContentFile(data))
            written.append(saved)
            if saved != target:
                raise OSError(f"the storage saved rendition {target} as {saved}")
    except BaseException:
        for saved in written:
            storage.delete(saved)
        raise
    return written


def renditions_generate(*, image: Image.Image, name: str, storage) -> list[str]:
    """Write every rendition of the stored original `name`, replacing any there; return names."""
    return renditions_write(
        renditions=renditions_encode(image=image, name=name), name=name, storage=storage
    )


def image_renditions_regenerate(*, field_file) -> list[str]:
    """Make the renditions of an image already stored, from the stored original, again, and
    store its size; the caller saves the instance."""
    with field_file.storage.open(field_file.name, "rb") as original:
        image = ImageOps.exif_transpose(Image.open(original))
    renditions = renditions_generate(image=image, name=field_file.name, storage=field_file.storage)
    field = field_file.field
    setattr(field_file.instance, field.width_field, image.width)
    setattr(field_file.instance, field.height_field, image.height)
    return renditions


@dataclass(frozen=True)
class PreparedImage:
    """An upload that passed every rule, made ready to store: the clean original and its size.
    Its renditions are made afterwards, outside the request (renditions_make below)."""

    original: bytes
    width: int
    height: int


def image_prepare(file, *, name: str) -> PreparedImage:
    """The upload checked and cleaned in memory; a ValidationError if any step fails."""
    image = image_open(file, name=name)
    try:
        upright, original = image_strip(image)
    except Exception as error:
        raise ValidationError(
            f"{_label(name)} could not be converted for the web ({error}).",
            code="image_unconvertible",
        ) from None
    return PreparedImage(original, upright.width, upright.height)


@task
def renditions_make(*, app_label: str, model_name: str, field_name: str, name: str) -> int:
    """Make the renditions of the stored original `name` (a background task, queued when an
    image is saved); the number made. Nothing if the original is gone (replaced or deleted)."""
    from django.apps import apps

    from pagecache.generation import generation_end

    field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    storage = field.storage
    try:
        with storage.open(name, "rb") as original:
            image = ImageOps.exif_transpose(Image.open(original))
            image.load()
    except FileNotFoundError:
        return 0
    made = renditions_generate(image=image, name=name, storage=storage)
    if not storage.exists(name):  # replaced while they were being made
        renditions_delete(name=name, storage=storage)
        return 0
    # Pages cached while they showed the original now show the renditions.
    generation_end()
    return len(made)


def renditions_request(field_file) -> None:
    """Queue the making of the renditions of a stored image (Django's tasks, settings.TASKS).

    With the database backend the task is a row written in the saving transaction, so a worker
    sees it only once the image's row is committed; until the renditions exist, pages show the
    original (picture_for)."""
    opts = field_file.instance._meta
    renditions_make.enqueue(
        app_label=opts.app_label,
        model_name=opts.model_name,
        field_name=field_file.field.name,
        name=field_file.name,
    )


def renditions_ready(*, name: str, width: int, height: int, storage) -> bool:
    """Whether the renditions of `name` are all stored: the last one written is there."""
    last = rendition_name(name, rendition_widths(width, height)[-1], fallback_extension(name))
    return storage.exists(last)


def renditions_delete(*, name: str, storage) -> None:
    """Remove every rendition of the original `name` (its folder of renditions)."""
    folder = f"{RENDITIONS_FOLDER}/{name}"
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        storage.delete(f"{folder}/{file}")
    # An emptied folder goes too, where the storage has folders.
    path = getattr(storage, "path", None)
    if path is not None:
        with contextlib.suppress(OSError):
            os.rmdir(path(folder))


def image_fields():
    """(model, field) for every UploadedImageField of every installed model."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, UploadedImageField)
    ]


@dataclass
class RegenerateSummary:
    images: int = 0
    renditions: int = 0
    failures: list[str] = dataclasses.field(default_factory=list)


def renditions_regenerate(*, progress=None) -> RegenerateSummary:
    """Make every image's renditions again from its stored original, and store its size.

    An image that fails (its file is missing or unreadable) is reported and skipped; the rest
    are still done. Sizes are written with update(), so the page cache is retired here.
    """
    from pagecache.generation import generation_end

    summary = RegenerateSummary()
    work = [
        (model, image_field, model._default_manager.exclude(**{image_field.name: ""}))
        for model, image_field in image_fields()
    ]
    total = sum(queryset.count() for _, _, queryset in work)
    done = 0
    for model, image_field, queryset in work:
        size_fields = [image_field.width_field, image_field.height_field]
        for instance in queryset.only("pk", image_field.name, *size_fields).iterator():
            field_file = getattr(instance, image_field.name)
            try:
                summary.renditions += len(image_renditions_regenerate(field_file=field_file))
            except Exception as error:
                summary.failures.append(
                    f"{model._meta.verbose_name} {instance.pk}, {image_field.name} "
                    f"{field_file.name}: {error}"
                )
            else:
                summary.images += 1
                model._default_manager.filter(pk=instance.pk).update(
                    **{name: getattr(instance, name) for name in size_fields}
                )
            done += 1
            if progress:
                progress(done, total)
    if summary.images:
        generation_end()
    return summary


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """What a <picture> element needs; worked out from the name and stored size alone."""

    sources: list[tuple[str, str]]  # (MIME type, srcset)
    fallback: Rendition
    fallback_srcset: str


def picture_for(field_file) -> Picture | None:
    """The renditions of an image, without opening a file or asking the database; None when
    its size is not stored (run `manage.py regenerate_renditions`)."""
    if not field_file:
        return None
    field = field_file.field
    width = getattr(field_file.instance, field.width_field, None)
    height = getattr(field_file.instance, field.height_field, None)
    if not width or not height:
        return None
    storage, name = field_file.storage, field_file.name
    if not renditions_ready(name=name, width=width, height=height, storage=storage):
        # Still being made (a background task): the original, never a missing image.
        original = Rendition(storage.url(name), width, height)
        return Picture(sources=[], fallback=original, fallback_srcset=f"{original.url} {width}w")
    renditions = {
        extension: [
            Rendition(
                storage.url(rendition_name(name, w, extension)),
                w,
                rendition_height(width, height, w),
            )
            for w in rendition_widths(width, height)
        ]
        for extension in ("avif", "webp", fallback_extension(name))
    }

    def srcset(items):
        return ", ".join(f"{item.url} {item.width}w" for item in items)

    fallback = renditions[fallback_extension(name)]
    return Picture(
        sources=[
            ("image/avif", srcset(renditions["avif"])),
            ("image/webp", srcset(renditions["webp"])),
        ],
        fallback=fallback[-1],
        fallback_srcset=srcset(fallback),
    )


class UploadedImageFormField(forms.FileField):
    """Checks an upload against every rule, so the form shows which one it breaks."""

    def to_python(self, data):
        file = super().to_python(data)
        if file is None:
            return None
        # Prepared once, while the form can still show a problem: the model field stores this.
        file.prepared_image = image_prepare(file, name=file.name)
        return file

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", ACCEPT)
        return attrs


class UploadedImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store the clean original and its size, and queue the making of its renditions; if
        anything fails, store nothing."""
        prepared = getattr(content, "prepared_image", None) or image_prepare(content, name=name)
        super().save(name, ContentFile(prepared.original), save=False)
        try:
            field = self.field
            setattr(self.instance, field.width_field, prepared.width)
            setattr(self.instance, field.height_field, prepared.height)
            if save:
                self.instance.save()
            renditions_request(self)
        except BaseException:
            self.delete(save=False)
            raise

    save.alters_data = True


class UploadedImageField(models.ImageField):
    """An ImageField that stores only images that pass the rules, upright and without
    metadata, with their renditions; its width and height fields must be set."""

    attr_class = UploadedImageFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", RULES)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not (self.width_field and self.height_field):
            errors.append(
                checks.Error(
                    "An UploadedImageField needs width_field and height_field: pages read "
                    "the image's size from them instead of opening the file.",
                    obj=self,
                    id="uploads.E010",
                )
            )
        return errors

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        """Only to clear the size with the image. Storing an image (save() above) writes its
        size; Django would also open the stored file on every full_clean() and on every load
        of a row whose size is missing, and fail if the file were gone."""
        if force and not instance.__dict__.get(self.attname):
            super().update_dimension_fields(instance, force, *args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": UploadedImageFormField, **kwargs})
