from django import template

from catalog.images import picture_for

register = template.Library()


@register.inclusion_tag("catalog/includes/picture.html")
def picture(image, alt, *, sizes="100vw", loading="lazy", css_class=""):
    """An uploaded image as <picture>: AVIF and WebP renditions, a JPEG or PNG fallback with
    its width and height, lazy unless loading="eager" (for images above the fold)."""
    if loading not in ("lazy", "eager"):
        raise template.TemplateSyntaxError(f'picture: loading="lazy" or "eager", not {loading!r}')
    return {
        "image": image,
        "picture": picture_for(image),
        "alt": alt,
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
    }


@register.simple_tag(takes_context=True)
def share_image(context, image):
    """The JPEG or PNG rendition link previews use, as an absolute URL with its size."""
    found = picture_for(image)
    if found is None:
        return None
    request = context["request"]
    return {
        "url": request.build_absolute_uri(found.fallback.url),
        "width": found.fallback.width,
        "height": found.fallback.height,
    }
