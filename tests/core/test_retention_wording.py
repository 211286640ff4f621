"""A retention rule in words, as every export and the API show it."""

import pytest

from processing.models.retention import describe_retention


def words(period="", trigger="", trigger_description="", legal_source="", criteria="",
          maximum=False):
    return describe_retention(period=period, trigger=trigger,
                              trigger_description=trigger_description,
                              legal_source=legal_source, criteria=criteria, maximum=maximum)


@pytest.mark.parametrize("rule,expected", [
    ({"period": "P7Y", "trigger": "end_of_relationship", "legal_source": "tax law"},
     "7 years after end of the customer relationship (tax law)"),
    ({"period": "P3Y", "trigger_description": "the request", "maximum": True},
     "up to 3 years after the request"),
    # An event described with its own connective is not given another one.
    ({"period": "P3Y", "trigger_description": "following the request"},
     "3 years following the request"),
    # An event described with the period in its own words is shown as written, not repeated.
    ({"period": "P3Y", "trigger_description": "Up to 3 years following the request"},
     "Up to 3 years following the request"),
    # Criteria held next to a period are kept.
    ({"period": "P10Y", "trigger": "end_of_relationship", "criteria": "+ legal requirements"},
     "10 years after end of the customer relationship; + legal requirements"),
    ({"criteria": "Until consent is withdrawn"}, "Until consent is withdrawn"),
    ({"period": "P1Y..P6Y", "maximum": True}, "1 year to 6 years"),
])
def test_retention_in_words(rule, expected):
    assert words(**rule) == expected


@pytest.mark.parametrize("rule,expected", [
    ({"period": "P7Y", "trigger": "end_of_relationship", "legal_source": "Code de commerce"},
     "7 ans après la fin de la relation client (Code de commerce)"),
    ({"period": "P1Y", "trigger": "collection", "maximum": True},
     "jusqu'à 1 an après la collecte des données"),
    ({"period": "P1Y..P6Y"}, "1 an à 6 ans"),
    ({"period": "P18M"}, "18 mois"),
    ({"period": "P2W"}, "2 semaines"),
])
def test_retention_in_words_in_french(rule, expected):
    from django.utils import translation

    with translation.override("fr"):
        assert words(**rule) == expected
    # The same rule reads in English outside French.
    assert words(**rule) != expected


def test_a_rule_in_full_in_the_language_asked_is_its_words_under_that_language():
    from django.utils import translation

    from processing.register.records import RetentionRule

    rule = RetentionRule(id=1, data_category=None, period="P7Y", trigger="end_of_relationship",
                         trigger_description="", legal_source="Code de commerce",
                         deletion_method="deletion", criteria="")
    english = rule.describe_in_full()
    with translation.override("fr"):
        french = rule.describe_in_full()
    assert french == "7 ans après la fin de la relation client (Code de commerce) ; puis suppression"
    # Asked in a language, the rule is worded in it whichever language is active, and the
    # words kept for one language are not given for the other.
    assert rule.describe_in_full("fr") == french
    with translation.override("fr"):
        assert rule.describe_in_full("en") == english
    assert english == "7 years after end of the customer relationship (Code de commerce); then deletion"
