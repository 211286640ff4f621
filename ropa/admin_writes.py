"""Admin pages that write through the services and show what the services refuse.

A change form is validated by its form and inline formsets as usual, then saved by a
service call (``save_related`` of the admin). When the service refuses the write, with a
``ValidationError`` keyed by field (``name``) or by part (``recipients[0].third_party``),
nothing was written (the admin's transaction rolled back) and the page is shown again
with each message on its field: the form is validated a second time with the service's
errors added, so Django renders the page as for any invalid form.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet

_PART_KEY = re.compile(r"^(?P<prefix>[\w-]+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


class ServiceRefused(Exception):
    """A service refused the admin's write; ``errors``: ``{key: [messages]}``."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.errors = {key: ValidationError(messages).messages
                       for key, messages in error.update_error_dict({}).items()}


def split_errors(errors: dict[str, list[str]], prefixes) -> tuple[dict, dict]:
    """``(form errors, {prefix: {index: {field: messages}}})``; a part's key whose prefix is
    not an inline of the page goes to the form."""
    top: dict[str, list[str]] = {}
    parts: dict[str, dict[int, dict[str, list[str]]]] = {}
    for key, messages in errors.items():
        match = _PART_KEY.match(key)
        if match and match["prefix"] in prefixes:
            fields = parts.setdefault(match["prefix"], {}).setdefault(int(match["index"]), {})
            fields.setdefault(match["field"] or NON_FIELD_ERRORS, []).extend(messages)
        else:
            top.setdefault(key, []).extend(messages)
    return top, parts


def _add_errors(form: forms.BaseForm, errors: dict[str, list[str]]) -> None:
    for name, messages in errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class ServiceErrorsFormSet(BaseInlineFormSet):
    """An inline formset that shows the errors a service gave for its forms."""

    def __init__(self, *args, service_errors=None, **kwargs):
        self.service_errors = service_errors or {}
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        lost = []
        for index, errors in self.service_errors.items():
            if index < len(self.forms):
                _add_errors(self.forms[index], errors)
            else:
                lost.extend(m for messages in errors.values() for m in messages)
        if lost:
            raise ValidationError(lost)


class ServiceWriteAdminMixin:
    """For a ModelAdmin whose ``save_related`` writes through a service and raises
    :class:`ServiceRefused` when it refuses. ``part_prefixes``: the inlines' prefixes."""

    part_prefixes: frozenset[str] = frozenset()

    def _refused(self, request):
        errors = getattr(request, "ropa_refused", None)
        return split_errors(errors, self.part_prefixes) if errors else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            request.ropa_refused = refused.errors
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refused = self._refused(request)
        if refused is None:
            return form
        top, _parts = refused

        class RefusedForm(form):
            def clean(self):
                cleaned = super().clean()
                _add_errors(self, top)
                return cleaned

        RefusedForm.__name__ = form.__name__
        return RefusedForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        refused = self._refused(request)
        if refused is not None and issubclass(inline.formset, ServiceErrorsFormSet):
            kwargs["service_errors"] = refused[1].get(prefix, {})
        return kwargs


def model_fields(model, names, skip=()) -> list[str]:
    """``names`` that are editable fields of ``model`` (many-to-many included)."""
    editable = {f.name for f in model._meta.get_fields()
                if not f.auto_created and (f.concrete or f.many_to_many) and f.editable
                and not f.primary_key}
    return [n for n in names if n in editable and n not in skip]


def form_fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
