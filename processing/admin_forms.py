"""Forms of the activity admin: Article 30 help in plain words, the stale-form guard,
and the errors of the services (which hold the rules) shown on their fields."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ropa.admin_writes import ServiceErrorsFormSet

from . import services
from .models import LawfulBasisKind, ProcessingActivity, Purpose

#: Help shown under each field of the activity form: what the item means, in plain
#: words, and the article that asks for it.
ACTIVITY_HELP = {
    "organisation": gettext_lazy(
        "Art 30(1)(a) / 30(2)(a): the organisation whose register this is. It cannot be "
        "changed once the record exists."),
    "reference": gettext_lazy(
        "A short stable identifier in this organisation's register, such as PA-012. "
        "Leave empty to get the next free one."),
    "name": gettext_lazy("What the processing is called in the business, e.g. 'Payroll'."),
    "owner": gettext_lazy("The person accountable for this processing; a contributor edits "
                          "only the records it owns."),
    "role": gettext_lazy(
        "Art 30(1) or 30(2): controller when the organisation decides why and how the data "
        "is processed; processor when it acts on a customer's instructions."),
    "joint_controllers": gettext_lazy(
        "Art 26 and 30(1)(a): the other organisations that decide the purposes and means "
        "with you. Only recipients of this register can be chosen."),
    "controllers_served": gettext_lazy(
        "Art 30(2)(a): for a processor record, each controller on whose behalf you act."),
    "description": gettext_lazy("What happens to the data, in a few sentences."),
    "data_subjects": gettext_lazy(
        "Art 30(1)(c): whose personal data it is: customers, employees, job applicants..."),
    "data_categories": gettext_lazy(
        "Art 30(1)(c): what personal data is processed. Special category (Art 9) and "
        "criminal offence (Art 10) data need a condition below."),
    "special_category_conditions": gettext_lazy(
        "Art 9(2): the condition that allows special category data (health, biometrics...). "
        "Needed only when such data is listed above."),
    "schedule1_conditions": gettext_lazy(
        "UK DPA 2018 Schedule 1 / Art 10: needed for criminal offence data, and in the UK "
        "for most Art 9 conditions."),
    "source_of_data": gettext_lazy(
        "Art 14: where the data comes from when it is not collected from the person."),
    "recipients_none": gettext_lazy(
        "Art 30(1)(d): tick only when the data is disclosed to nobody outside the "
        "organisation; otherwise list the recipients below."),
    "security_measures": gettext_lazy(
        "Art 30(1)(g) and Art 32: the technical and organisational measures that protect "
        "the data."),
    "security_description": gettext_lazy("Anything the list does not say, in words."),
    "data_location": gettext_lazy("Where the data and the systems holding it are (ICO)."),
    "dpia_required": gettext_lazy(
        "Art 35: a DPIA is expected when two of the EDPB's nine screening criteria are met "
        "(evaluation, automated decisions with legal effect, systematic monitoring, "
        "sensitive data, large scale, matching datasets, vulnerable people, innovative "
        "technology, preventing a right or service), or for an entry of the ICO's list."),
    "dpia_link": gettext_lazy("Where the DPIA is kept."),
    "retention_policy_link": gettext_lazy("Art 5(1)(e): the retention and erasure policy."),
}


class ScopedAutocompleteMixin:
    """An autocomplete that asks only for one organisation's recipients."""

    organisation_id: int | None = None

    def get_url(self):
        url = super().get_url()
        if self.organisation_id:
            url = f"{url}?organisation={self.organisation_id}"
        return url


class ScopedAutocompleteSelect(ScopedAutocompleteMixin, AutocompleteSelect):
    pass


class ScopedAutocompleteSelectMultiple(ScopedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class RegisterRelatedMixin:
    """The links beside a choice of third party: "+" opens the third party form with the
    activity's organisation filled in ("Register of"), so its first save works; without
    the right to add one, a hint says whom to ask instead of showing nothing."""

    organisation_id: int | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.organisation_id and context.get("url_params") is not None:
            context["url_params"] = f"{context['url_params']}&organisation={self.organisation_id}"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.can_add_related:
            return html
        return format_html('{}<p class="help ropa-ask-dpo">{}</p>', html, _(
            "Not in the list? Ask your organisation's DPO to add it to the register."))


_REGISTER_RELATED: dict[type, type] = {}


def _register_related(wrapper_class: type) -> type:
    """``wrapper_class`` (Django's related-object wrapper, or a theme's) with
    :class:`RegisterRelatedMixin`."""
    if wrapper_class not in _REGISTER_RELATED:
        _REGISTER_RELATED[wrapper_class] = type(
            f"Register{wrapper_class.__name__}", (RegisterRelatedMixin, wrapper_class), {})
    return _REGISTER_RELATED[wrapper_class]


def scope_widget(field, organisation_id) -> None:
    """Point the autocomplete of ``field`` at one organisation's register, and its "+" at
    a new third party of that register."""
    widget = getattr(field.widget, "widget", field.widget)
    if isinstance(widget, ScopedAutocompleteMixin):
        widget.organisation_id = organisation_id
        wrapper = field.widget
        if isinstance(wrapper, RelatedFieldWidgetWrapper):
            if not isinstance(wrapper, RegisterRelatedMixin):
                wrapper.__class__ = _register_related(type(wrapper))
            wrapper.organisation_id = organisation_id


def stale_message(activity: ProcessingActivity, expected) -> str:
    """Who changed the activity, and when, since the form was opened."""
    latest = activity.history.select_related("history_user").first()
    who = _("someone else")
    when = ""
    if latest is not None:
        if latest.history_user is not None:
            who = latest.history_user.get_username()
        when = date_format(timezone.localtime(latest.history_date), "DATETIME_FORMAT")
    return _(
        "%(reference)s was changed by %(who)s%(when)s since you opened this form (it is now "
        "version %(current)s, you started from version %(expected)s). Nothing was saved: "
        "open the record again to see their changes, then apply yours."
    ) % {
        "reference": activity.reference, "who": who,
        "when": _(" on %(date)s") % {"date": when} if when else "",
        "current": activity.version, "expected": expected,
    }


class ActivityAdminForm(forms.ModelForm):
    """The activity form. Its rules across objects (references, third parties, conditions,
    scopes) are the services': the admin shows their errors on the fields (see
    ``ropa.admin_writes``). The reference is not a model field of the form, so the
    service, which allocates references under a lock, is the one to check it."""

    reference = forms.CharField(
        label=gettext_lazy("Reference"), max_length=40, required=False,
        help_text=ACTIVITY_HELP["reference"],
    )
    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False,
        help_text=gettext_lazy("The version of the record this form was opened on."),
    )

    class Meta:
        model = ProcessingActivity
        # The admin fieldsets choose what is shown; the reference is the form's own field.
        exclude = ["reference"]  # noqa: DJ006

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in ACTIVITY_HELP.items():
            if name in self.fields:
                self.fields[name].help_text = text
        if self.instance.pk:
            self.fields["reference"].initial = self.instance.reference
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True

    def clean(self):
        cleaned = super().clean()
        self._check_stale(cleaned)
        return cleaned

    def _check_stale(self, cleaned):
        if not self.instance.pk:
            return
        expected = cleaned.get("expected_version")
        if expected is None:
            raise ValidationError(
                _("The form lost the version it was opened on: open the record again."),
                code="stale")
        try:
            # Locks the row until the admin's transaction ends, so the save that follows
            # cannot interleave with another one.
            services.lock_activity(self.instance, expected)
        except services.StaleWrite:
            current = ProcessingActivity.objects.get(pk=self.instance.pk)
            raise ValidationError(stale_message(current, expected), code="stale") from None


class ActivityPartFormSet(ServiceErrorsFormSet):
    """Gives each part form its activity (the one being saved), as it is made."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "activity": self.instance}


class ActivityPartForm(forms.ModelForm):
    """A part of an activity. Whether its recipient and scopes stay inside its activity's
    register is checked by the services (``processing.invariants``)."""

    def __init__(self, *args, activity: ProcessingActivity | None = None, **kwargs):
        self.activity = activity
        super().__init__(*args, **kwargs)


#: The fields of a lawful basis each kind of basis needs; the form shows only these (and
#: any other that already holds something, so nothing recorded is hidden).
BASIS_FIELDS = {
    LawfulBasisKind.CONSENT: ("consent_record_link", "consent_description"),
    LawfulBasisKind.LEGAL_OBLIGATION: ("citation",),
    LawfulBasisKind.PUBLIC_TASK: ("citation",),
    LawfulBasisKind.LEGITIMATE_INTERESTS: ("legitimate_interest", "lia_link"),
    LawfulBasisKind.RECOGNISED_LEGITIMATE_INTERESTS: ("recognised_interest",),
}
#: Every field that belongs to some kinds of basis only.
CONDITIONAL_BASIS_FIELDS = sorted({name for names in BASIS_FIELDS.values() for name in names})

#: A purpose typed on the form but not saved yet, named by its form in the purposes
#: inline: ``new-2`` is the purpose of ``purposes-2``. Mapped to that purpose on save.
NEW_PURPOSE = "new-"


class BasisSelect(forms.Select):
    """The Art 6(1) bases (a handful) as a plain list; each option says which fields its
    kind of basis needs, for the form to show only those."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-fields"] = " ".join(BASIS_FIELDS.get(instance.kind, ()))
        return option


class PurposeScopesWidget(forms.CheckboxSelectMultiple):
    """The activity's purposes as check boxes, kept in step with the purposes typed above
    (``processing/admin.js``) so a basis can be limited to a purpose before it is saved."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "ropa-purpose-scopes", **(attrs or {})}, choices)


class LawfulBasisForm(ActivityPartForm):
    """A lawful basis relied on. ``purposes`` holds saved purposes by id and new ones as
    ``new-<form index>`` (see :data:`NEW_PURPOSE`); ``processing.admin_writes`` maps those to
    the purposes written in the same save."""

    class Meta:
        widgets = {"basis": BasisSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "purposes" not in self.fields:
            return
        activity = self.activity
        self._saved_purposes = {
            str(p.pk): p for p in Purpose.objects.filter(activity=activity).order_by("position", "pk")
        } if activity is not None and activity.pk else {}
        choices = [(pk, p.description) for pk, p in self._saved_purposes.items()]
        if self.is_bound:
            for value in self.data.getlist(self.add_prefix("purposes")):
                if value.startswith(NEW_PURPOSE) and value[len(NEW_PURPOSE):].isdigit():
                    typed = self.data.get(f"purposes-{value[len(NEW_PURPOSE):]}-description", "")
                    choices.append((value, typed or _("a new purpose")))
        model_field = self.fields["purposes"]
        self.fields["purposes"] = forms.MultipleChoiceField(
            label=model_field.label, required=False, choices=choices,
            widget=PurposeScopesWidget,
            help_text=gettext_lazy(
                "Tick the purposes this basis covers; none ticked: all the activity's "
                "purposes. Purposes typed above can be ticked before saving."),
        )
        if self.instance.pk:
            self.initial["purposes"] = [str(pk) for pk in
                                        self.instance.purposes.values_list("pk", flat=True)]

    def clean_purposes(self):
        """Saved purposes as objects; purposes typed on this form as their ``new-`` name."""
        return [self._saved_purposes.get(value, value)
                for value in self.cleaned_data.get("purposes", [])]


class RecipientForm(ActivityPartForm):
    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("third_party") and not cleaned.get("category") and not self.errors:
            self.add_error("third_party", _(
                "Name the recipient, or at least choose its category (Art 30(1)(d) allows "
                "categories when names are not known)."))
        return cleaned


class TransferForm(ActivityPartForm):
    pass


class RetentionRuleForm(ActivityPartForm):
    pass
