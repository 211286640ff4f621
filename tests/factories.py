"""factory_boy factories for the register. Reference terms come from the shipped data."""

import factory
from django.contrib.auth import get_user_model

from entities.models import Contact, Country, Membership, Organisation, ThirdParty
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    DataSubjectCategory,
    InternationalTransfer,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    RetentionRule,
    SecurityMeasure,
    TransferMechanism,
)


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def basis(code: str) -> LawfulBasis:
    return LawfulBasis.objects.get(code=code)


def data_category(code: str) -> PersonalDataCategory:
    return PersonalDataCategory.objects.get(code=code)


def subject_category(code: str) -> DataSubjectCategory:
    return DataSubjectCategory.objects.get(code=code)


def mechanism(code: str) -> TransferMechanism:
    return TransferMechanism.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} Ltd")
    country = factory.LazyFunction(lambda: country("GB"))
    email = "privacy@example.com"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    role = "dpo"
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = "dpo@example.com"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "dpo"


class ThirdPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThirdParty

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Supplier {n}")
    kind = "processor"
    country = factory.LazyFunction(lambda: country("GB"))
    contract_link = "https://contracts.example.com/dpa.pdf"


def person_of(user, organisation):
    """The person of ``organisation`` who is ``user``: an owner with a login."""
    from entities.services import person_of_login

    return person_of_login(organisation, user)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessingActivity

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"PA-{n:04d}")
    name = factory.Sequence(lambda n: f"Processing activity {n}")
    business_function = "Sales"
    privacy_notice_link = "https://example.com/privacy"


class PurposeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purpose

    activity = factory.SubFactory(ActivityFactory)
    description = "To manage customer accounts"


class LawfulBasisUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityLawfulBasis

    activity = factory.SubFactory(ActivityFactory)
    basis = factory.LazyFunction(lambda: basis("A6-1-b"))


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityRecipient

    activity = factory.SubFactory(ActivityFactory)
    third_party = factory.SubFactory(
        ThirdPartyFactory, organisation=factory.SelfAttribute("..activity.organisation")
    )


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternationalTransfer

    activity = factory.SubFactory(ActivityFactory)
    country = factory.LazyFunction(lambda: country("US"))
    mechanism = factory.LazyFunction(lambda: TransferMechanism.objects.get(code="EU-SCC-2021"))


class RetentionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionRule

    activity = factory.SubFactory(ActivityFactory)
    period = "P7Y"
    trigger = "end_of_relationship"


def complete_activity(**kwargs) -> ProcessingActivity:
    """A controller activity with every Art 30 item filled: it has no finding."""
    activity = ActivityFactory(**kwargs)
    PurposeFactory(activity=activity)
    activity.data_subjects.set([subject_category("customers")])
    activity.data_categories.set([data_category("identity"), data_category("contact")])
    activity.security_measures.set(SecurityMeasure.objects.filter(kind="technical")[:2])
    LawfulBasisUseFactory(activity=activity)
    RecipientFactory(activity=activity)
    RetentionRuleFactory(activity=activity)
    return activity
