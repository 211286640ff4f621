"""``{% export_button organisation=... as_of=... %}``: the "Export" button of the list, the
dashboard and the as-of page, opening the export centre with the page's choice."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def export_url(organisation="", as_of="") -> str:
    query = {key: value for key, value in (("organisation", organisation), ("as_of", as_of))
             if value}
    url = reverse("admin:exports_centre")
    return f"{url}?{urlencode(query)}" if query else url


@register.simple_tag
def export_button(organisation="", as_of="", label="") -> str:
    return format_html('<a href="{}" class="button ropa-export-button">{}</a>',
                       export_url(organisation, as_of), label or gettext("Export"))
