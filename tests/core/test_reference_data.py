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


def test_art9_conditions_say_which_schedule1_part_they_need_in_the_uk():
    """DPA 2018 s10: Art 9(2)(b), (h), (i), (j) need a Part 1 condition, (g) a Part 2 one."""
    parts = dict(SpecialCategoryCondition.objects.values_list("code", "uk_schedule1_part"))
    assert {code: part for code, part in parts.items() if part} == {
        "A9-2-b": "1", "A9-2-g": "2", "A9-2-h": "1", "A9-2-i": "1", "A9-2-j": "1"}


def test_schedule1_conditions_say_which_need_an_appropriate_policy_document():
    needing = set(Schedule1Condition.objects.filter(needs_policy_document=True)
                  .values_list("code", flat=True))
    assert "DPA2018-S1-P1-1" in needing  # employment, para 1(1)(b)
    assert {f"DPA2018-S1-P2-{para}" for para in range(6, 29)} <= needing  # para 5(1)
    assert not needing & {"DPA2018-S1-P1-2", "DPA2018-S1-P1-3", "DPA2018-S1-P1-4",
                          "DPA2018-S1-P3-29", "DPA2018-S1-P3-33", "A10-official-authority"}


def test_taxonomies_carry_the_dpia_screening_flags():
    subjects = DataSubjectCategory.objects
    assert set(subjects.filter(vulnerable=True).values_list("code", flat=True)) == {
        "children", "employees", "patients", "vulnerable-individuals"}
    assert list(subjects.filter(children=True).values_list("code", flat=True)) == ["children"]
    data = PersonalDataCategory.objects
    assert set(data.filter(biometric=True).values_list("code", flat=True)) == {"biometric", "genetic"}
    assert set(data.filter(tracking=True).values_list("code", flat=True)) == {"location"}
    assert not data.get(code="contact").biometric and not data.get(code="contact").tracking


def test_a_cleared_flag_is_set_again_by_loading():
    """The data migration that brings the flags to an existing register loads the same way."""
    DataSubjectCategory.objects.filter(code="children").update(vulnerable=False, children=False)
    Schedule1Condition.objects.filter(code="DPA2018-S1-P1-1").update(needs_policy_document=False)
    report = load_reference_data()
    assert report["DataSubjectCategory"] == (0, 1) and report["Schedule1Condition"] == (0, 1)
    assert DataSubjectCategory.objects.get(code="children").children
    assert Schedule1Condition.objects.get(code="DPA2018-S1-P1-1").needs_policy_document


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


# --- DPV 2.2 and French names -------------------------------------------------------------

REFERENCE_MODELS = (LawfulBasis, SpecialCategoryCondition, Schedule1Condition, TransferMechanism,
                    DataSubjectCategory, PersonalDataCategory, SecurityMeasure, RecipientCategory)


def test_the_term_list_is_dpv_2_2():
    from tests.dpv import dpv_terms

    terms = dpv_terms()
    assert len(terms) > 2000
    assert "https://w3id.org/dpv/pd#ServiceConsumptionBehaviour" in terms
    assert "https://w3id.org/dpv/pd#ServiceConsumptionBehavior" not in terms  # the 2.1 spelling
    assert "https://w3id.org/dpv/legal/eu/gdpr#A6-1-f" in terms


def test_every_dpv_iri_of_the_reference_data_is_a_dpv_2_2_term():
    from tests.dpv import unknown_iris

    iris = {iri for model in REFERENCE_MODELS for iri in model.objects.values_list(
        "dpv_iri", flat=True) if iri}
    assert any(iri.startswith("https://w3id.org/dpv/pd#") for iri in iris)
    assert unknown_iris(iris) == []


def test_the_term_list_check_catches_an_iri_dpv_does_not_define():
    from tests.dpv import unknown_iris

    assert unknown_iris(["https://w3id.org/dpv/pd#ServiceConsumptionBehavior",
                         "https://w3id.org/dpv#Customer",
                         "https://w3id.org/ropa-register/ns#UK-IDTA"]) == [
        "https://w3id.org/dpv/pd#ServiceConsumptionBehavior"]


def test_special_categories_use_dpvs_own_concepts():
    iris = dict(PersonalDataCategory.objects.values_list("code", "dpv_iri"))
    pd = "https://w3id.org/dpv/pd#"
    assert iris["usage"] == pd + "ServiceConsumptionBehaviour"
    assert iris["racial-ethnic-origin"] == pd + "Ethnicity"
    assert iris["religious-philosophical-beliefs"] == pd + "Religion"
    assert iris["sexual-orientation"] == pd + "SexualPreference"
    special = PersonalDataCategory.objects.filter(special_category=True)
    assert all(c.dpv_iri.startswith(pd) for c in special), [c.code for c in special]


@pytest.mark.parametrize("model", REFERENCE_MODELS, ids=lambda m: m.__name__)
def test_every_reference_term_has_a_french_name(model):
    missing = list(model.objects.filter(name_fr="").values_list("code", flat=True))
    assert missing == [], f"{model.__name__} terms without a French name (processing/reference/french.py)"
    assert model.objects.exclude(name_fr="").count() == model.objects.count() > 0


def test_a_term_without_a_french_name_is_found():
    basis = LawfulBasis.objects.get(code="A6-1-b")
    assert basis.name_fr == "Exécution d'un contrat"
    LawfulBasis.objects.filter(pk=basis.pk).update(name_fr="")
    assert list(LawfulBasis.objects.filter(name_fr="").values_list("code", flat=True)) == ["A6-1-b"]
    assert load_reference_data()["LawfulBasis"] == (0, 1)
    assert LawfulBasis.objects.get(pk=basis.pk).name_fr == "Exécution d'un contrat"


def test_french_names_are_given_for_terms_of_the_data_only():
    from processing.reference import data, french

    for constant in ("LAWFUL_BASES", "ART9_CONDITIONS", "SCHEDULE1_CONDITIONS",
                     "TRANSFER_MECHANISMS", "DATA_SUBJECT_CATEGORIES", "PERSONAL_DATA_CATEGORIES",
                     "SECURITY_MEASURES", "RECIPIENT_CATEGORIES"):
        codes = {item["code"] for item in getattr(data, constant)}
        names = getattr(french, constant)
        assert set(names) == codes, constant
        assert all(name.strip() for name in names.values()), constant


def test_countries_have_french_names():
    names = dict(Country.objects.values_list("code", "name_fr"))
    assert names["GB"] == "Royaume-Uni"
    assert names["US"] == "États-Unis"
    assert names["DE"] == "Allemagne"
    assert all(names.values())


@pytest.mark.django_db(transaction=True)
def test_the_migration_brings_existing_databases_to_dpv_2_2_and_french_names():
    from tests.core.migrating import migrate, migrate_to_latest

    old = migrate([("processing", "0008_one_version_per_recorded_change"),
                   ("entities", "0003_people_trading_address_legal_representative")])
    try:
        category = old.get_model("processing", "PersonalDataCategory")
        category.objects.filter(code="usage").update(
            dpv_iri="https://w3id.org/dpv/pd#ServiceConsumptionBehavior")
        category.objects.filter(code="sexual-orientation").update(
            dpv_iri="https://w3id.org/ropa-register/ns#SexualOrientation")
    finally:
        new = migrate_to_latest()
    category = new.get_model("processing", "PersonalDataCategory")
    iris = dict(category.objects.values_list("code", "dpv_iri"))
    assert iris["usage"] == "https://w3id.org/dpv/pd#ServiceConsumptionBehaviour"
    assert iris["sexual-orientation"] == "https://w3id.org/dpv/pd#SexualPreference"
    assert category.objects.get(code="health").name_fr == "Données de santé"
    assert new.get_model("entities", "Country").objects.get(code="FR").name_fr == "France"
