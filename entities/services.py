"""Writes to organisations, their contacts and members, and third parties."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from ropa.audit import audit_context
from ropa.validation import full_clean

from .models import Contact, Membership, Organisation, Person, RecipientCategory, ThirdParty

_MODELS = (Organisation, Contact, Membership, ThirdParty, RecipientCategory, Person)


@transaction.atomic
def entity_save(*, model: type[models.Model], instance: models.Model | None = None,
                user=None, path=None, **fields) -> models.Model:
    """Create (no ``instance``) or change an organisation, contact, membership or third
    party, validated and recorded in history with the acting user."""
    if model not in _MODELS:
        raise TypeError(f"{model.__name__} is not saved by entity_save")
    known = {f.name for f in model._meta.get_fields()}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    with audit_context(user=user, path=path):
        obj = instance if instance is not None else model()
        for name, value in fields.items():
            setattr(obj, name, value)
        full_clean(obj)
        obj.save()
    if (instance is not None and model in (Organisation, ThirdParty)) or model is Contact:
        # The rules read a third party's kind and contract and an organisation's
        # jurisdiction, the completeness score its contacts: the stored findings of that
        # register may be wrong now.
        from processing.findings import forget_summaries

        forget_summaries(organisation_id=obj.pk if model is Organisation else obj.organisation_id)
    return obj


#: Objects removed from an organisation's register by entity_delete (an organisation and
#: a third party named by activities are kept: their history is the register's).
_DELETABLE = (Contact, Membership)


@transaction.atomic
def entity_delete(*, instance: models.Model, user=None, path=None) -> None:
    """Remove a contact or a membership; its history keeps it."""
    if type(instance) not in _DELETABLE:
        raise TypeError(f"{type(instance).__name__} is not removed by entity_delete")
    with audit_context(user=user, path=path):
        instance.delete()
    if isinstance(instance, Contact):
        from processing.findings import forget_summaries

        forget_summaries(organisation_id=instance.organisation_id)  # its completeness


def organisation_create(*, user=None, path=None, **fields) -> Organisation:
    return entity_save(model=Organisation, user=user, path=path, **fields)


def contact_create(*, organisation, user=None, path=None, **fields) -> Contact:
    return entity_save(model=Contact, user=user, path=path, organisation=organisation, **fields)


def third_party_create(*, organisation, user=None, path=None, **fields) -> ThirdParty:
    return entity_save(model=ThirdParty, user=user, path=path, organisation=organisation,
                       **fields)


def membership_set(*, user_account, organisation, role, user=None, path=None) -> Membership:
    """Give ``user_account`` the ``role`` in ``organisation`` (one role per organisation)."""
    membership = Membership.objects.filter(
        user=user_account, organisation=organisation
    ).first() or Membership(user=user_account, organisation=organisation)
    return entity_save(model=Membership, instance=membership, user=user, path=path, role=role)


def person_named(organisation, name: str, email: str = "", *, user=None, path=None) -> Person:
    """The person of ``organisation`` called ``name``, created when new; an email given
    replaces the one held. An activity's owner is named this way by the API and the import."""
    name = name.strip()
    person = Person.objects.filter(organisation=organisation, name=name).first()
    if person is None:
        return entity_save(model=Person, organisation=organisation, name=name, email=email,
                           user=user, path=path)
    if email and email != person.email:
        entity_save(model=Person, instance=person, email=email, user=user, path=path)
    return person


def person_of_login(organisation, login, *, user=None, path=None) -> Person:
    """The person of ``organisation`` who is ``login``, made from the account when the
    organisation has none yet (a contributor owns what it creates)."""
    person = Person.objects.filter(organisation=organisation, login=login).first()
    if person is not None:
        return person
    name = login.get_full_name().strip() or login.get_username()
    if Person.objects.filter(organisation=organisation, name=name).exists():
        name = f"{name} ({login.get_username()})"
    return entity_save(model=Person, organisation=organisation, name=name, email=login.email,
                       login=login, user=user, path=path)
