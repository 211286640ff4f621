"""What the pages that render without the admin's context (the error pages, a 500 has no
request at all) need of the workspace's frame: the product's name and the theme's
colours."""

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from unfold.settings import get_config

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag
def theme_colours():
    """The theme's colour variables, which its stylesheet reads (the admin pages get them
    from the admin site's context)."""
    colours = get_config()["COLORS"]
    rules = format_html_join(
        " ", "--color-{}-{}: {};",
        ((name, weight, value) for name, weights in colours.items()
         for weight, value in weights.items()))
    return format_html("<style>:root {{ {} }}</style>", rules)
