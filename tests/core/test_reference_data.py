import io

import pytest
from django.core.management import call_command

from entities.models import Country, InternationalOrganisation, RecipientCategory
from processing.models import (
    DataSubjectCategory,
    LawfulBasis,
    PersonalDataCategory,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from processing.reference.load import load_reference_data

pytestmark = pytest.mark.django_db

MODELS = (Country, LawfulBasis, SpecialCategoryCondition, Schedule1Condition, TransferMechanism,
          DataSubjectCategory, PersonalDataCategory, SecurityMeasure, RecipientCategory)


def test_reference_data_loads_twice_without_duplicates():
    before = {m.__name__: m.objects.count() for m in MODELS}
    assert all(before.values()), before
    report = load_reference_data()
    assert all(created == 0 and updated == 0 for created, updated in report.values()), report
    call_command("load_reference", stdout=io.StringIO())
    assert {m.__name__: m.objects.count() for m in MODELS} == before


def test_a_changed_label_is_updated_in_place():
    basis = LawfulBasis.objects.get(code="A6-1-b")
    basis.name = "Something else"
    basis.save()
    report = load_reference_data()
    assert report["LawfulBasis"] == (0, 1)
    assert LawfulBasis.objects.get(code="A6-1-b").name != "Something else"


def test_lawful_bases_carry_article_and_dpv_iri():
    bases = {b.code: b for b in LawfulBasis.objects.all()}
    assert set(bases) == {"A6-1-a", "A6-1-b", "A6-1-c", "A6-1-d", "A6-1-e", "A6-1-f",
                          "UK-A6-1-ea"}
    assert bases["A6-1-f"].article == "Art 6(1)(f)"
    assert bases["A6-1-f"].dpv_iri == "https://w3id.org/dpv/legal/eu/gdpr#A6-1-f"
    assert bases["A6-1-a"].kind == "consent"
    assert bases["UK-A6-1-ea"].jurisdiction == "uk"
    assert not bases["UK-A6-1-ea"].dpv_iri.startswith("https://w3id.org/dpv")


def test_art9_conditions_and_schedule1():
    codes = sorted(SpecialCategoryCondition.objects.values_list("code", flat=True))
    assert codes == [f"A9-2-{letter}" for letter in "abcdefghij"]
    assert SpecialCategoryCondition.objects.get(code="A9-2-a").dpv_iri.endswith("gdpr#A9-2-a")
    assert Schedule1Condition.objects.filter(part="3", applies_to="criminal").count() >= 5
    assert Schedule1Condition.objects.filter(part="1").exists()
    assert Schedule1Condition.objects.filter(code="A10-official-authority").exists()


def test_transfer_mechanisms_cover_chapter_v():
    kinds = set(TransferMechanism.objects.values_list("kind", flat=True))
    assert {"adequacy", "dpf", "scc", "idta", "uk_addendum", "bcr", "derogation"} <= kinds
    scc = TransferMechanism.objects.get(code="EU-SCC-2021")
    assert scc.dpv_iri == "https://w3id.org/dpv/legal/eu/gdpr#A46-2-c"
    for code in ("A46-2-a", "A46-2-d", "A46-3-b"):
        assert TransferMechanism.objects.get(code=code).dpv_iri == (
            f"https://w3id.org/dpv/legal/eu/gdpr#{code}")
    assert all(m.requires_documented_safeguards
               for m in TransferMechanism.objects.filter(kind="derogation"))


def test_each_transfer_mechanism_belongs_to_the_law_that_made_it():
    law = dict(TransferMechanism.objects.values_list("code", "jurisdiction"))
    assert {code for code, j in law.items() if j == "eu"} == {
        "A45-3", "EU-US-DPF", "EU-SCC-2021", "A46-2-d"}
    assert {code for code, j in law.items() if j == "uk"} == {
        "UK-A45A", "UK-US-DATA-BRIDGE", "UK-IDTA", "UK-ADDENDUM"}
    assert law["BCR"] == law["A49-1-a"] == law["A46-2-a"] == law["A46-3-b"] == "eu_uk"
    bridge = TransferMechanism.objects.get(code="UK-US-DATA-BRIDGE")
    assert bridge.serves("uk") and not bridge.serves("eu")
    assert TransferMechanism.objects.get(code="BCR").serves("eu")


def test_international_organisations_carry_their_adequacy():
    epo = InternationalOrganisation.objects.get(code="EPO")
    assert epo.name == "European Patent Organisation"
    assert epo.adequate_for("eu") and not epo.adequate_for("uk")
    # Under another regime no EU or UK transfer rule applies.
    assert epo.adequate_for("other") and Country.objects.get(code="IN").adequate_for("other")


def test_countries_with_eea_membership_and_adequacy():
    assert Country.objects.count() == 249
    assert Country.objects.filter(is_eea=True).count() == 30
    assert Country.objects.filter(is_eu=True).count() == 27
    gb, us, no, ch, india = (Country.objects.get(code=c) for c in ("GB", "US", "NO", "CH", "IN"))
    assert no.is_eea and not no.is_eu
    assert gb.eu_adequacy == "full" and not gb.is_eea
    assert us.eu_adequacy == "partial" and us.uk_adequacy == "partial"
    assert ch.adequate_for("eu") and ch.adequate_for("uk")
    assert not us.adequate_for("eu")
    assert not india.adequate_for("uk") and not india.adequate_for("eu")


def test_taxonomies_flag_special_and_criminal_data():
    special = set(PersonalDataCategory.objects.filter(special_category=True)
                  .values_list("code", flat=True))
    assert {"health", "biometric", "genetic", "racial-ethnic-origin"} <= special
    assert PersonalDataCategory.objects.get(code="criminal-offences").criminal_offence
    assert not PersonalDataCategory.objects.get(code="contact").special_category
    assert PersonalDataCategory.objects.get(code="identity").dpv_iri.startswith(
        "https://w3id.org/dpv/pd#")
    assert DataSubjectCategory.objects.get(code="customers").dpv_iri == "https://w3id.org/dpv#Customer"
    assert SecurityMeasure.objects.filter(kind="certification", code="iso-27001").exists()
    every_term = [*LawfulBasis.objects.all(), *SpecialCategoryCondition.objects.all(),
                  *TransferMechanism.objects.all(), *Schedule1Condition.objects.all()]
    assert all(term.dpv_iri and term.article for term in every_term)
