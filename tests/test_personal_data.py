"""The personal-data check, measured on a labelled corpus of case-note sentences."""

from __future__ import annotations

import pytest

from bot.privacy.personal_data import PersonalData, find_personal_data
from tests.personal_data_corpus import CORPUS, TODAY, Sample

LANGUAGES = ("de", "en", "uk")


def measure(samples: tuple[Sample, ...] | list[Sample]) -> tuple[float, float, int, int]:
    """Recall (texts with personal data that are held back) and the false-alarm rate (texts
    without it that are held back), with the number of texts of each label."""
    with_data = [sample for sample in samples if sample.kinds]
    without = [sample for sample in samples if not sample.kinds]
    found = sum(bool(find_personal_data(sample.text, TODAY)) for sample in with_data)
    alarms = sum(bool(find_personal_data(sample.text, TODAY)) for sample in without)
    return found / len(with_data), alarms / len(without), len(with_data), len(without)


def test_the_corpus_is_large_balanced_and_in_three_languages() -> None:
    assert len(CORPUS) >= 100
    with_data = sum(bool(sample.kinds) for sample in CORPUS)
    assert 0.4 <= with_data / len(CORPUS) <= 0.6
    assert {sample.language for sample in CORPUS} == set(LANGUAGES)
    assert len({sample.text for sample in CORPUS}) == len(CORPUS)


def test_recall_and_false_alarms_over_the_corpus() -> None:
    recall, false_alarms, with_data, without = measure(CORPUS)

    print(
        f"\npersonal-data check: recall {recall:.2f} over {with_data} texts with personal "
        f"data, false alarms {false_alarms:.2f} over {without} texts without"
    )
    assert recall >= 0.9
    assert false_alarms <= 0.1


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_on_its_own(language: str) -> None:
    recall, false_alarms, with_data, without = measure(
        [sample for sample in CORPUS if sample.language == language]
    )

    print(
        f"\n{language}: recall {recall:.2f} ({with_data}), "
        f"false alarms {false_alarms:.2f} ({without})"
    )
    assert with_data >= 15 and without >= 15
    assert recall >= 0.85
    assert false_alarms <= 0.15


def test_the_kinds_found_are_mostly_the_labelled_ones() -> None:
    """Beyond held back or not: the warning names what the text holds."""
    labelled = [sample for sample in CORPUS if sample.kinds]
    exact = sum(set(find_personal_data(s.text, TODAY)) == s.kinds for s in labelled)

    print(f"\nkinds named exactly in {exact} of {len(labelled)} texts with personal data")
    assert exact / len(labelled) >= 0.85


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Gespräch mit Frau Kovalenko", PersonalData.NAME),
        ("Termin mit Olena Petrenko", PersonalData.NAME),
        ("пані Мельник", PersonalData.NAME),
        ("Bahnhofstraße 14", PersonalData.ADDRESS),
        ("Warendorfer Straße 112a", PersonalData.ADDRESS),
        ("59227 Ahlen", PersonalData.ADDRESS),
        ("вул. Шевченка, 12", PersonalData.ADDRESS),
        ("Steuer-ID 65929970489", PersonalData.ID_NUMBER),
        ("65929970489", PersonalData.ID_NUMBER),
        ("SV-Nummer 12 150785 K 123", PersonalData.ID_NUMBER),
        ("Reisepass C01X00T47", PersonalData.ID_NUMBER),
        ("паспорт FA 123456", PersonalData.ID_NUMBER),
        ("geboren am 3. März 1985", PersonalData.BIRTH_DATE),
        ("born on 3rd of March", PersonalData.BIRTH_DATE),
        ("народився 3 березня 2015", PersonalData.BIRTH_DATE),
        ("1983 р.н.", PersonalData.BIRTH_DATE),
    ],
)
def test_each_new_kind_is_found(text: str, kind: PersonalData) -> None:
    assert find_personal_data(text, TODAY) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Herr K. kommt morgen",  # an initial is how notes are meant to refer to people
        "Steuer-ID fehlt noch",
        "Pass bis 2027 gültig",
        "Kita-Platz 2 ist frei",
        "Jobcenter Ahlen",
        "Termin mit Jobcenter Ahlen",
        "Diabetes-Beratung im Kreishaus",  # health words alone: no person named
        "Summe 12000 Euro",
        "Herr der Lage",
    ],
)
def test_confusers_are_no_personal_data(text: str) -> None:
    assert find_personal_data(text, TODAY) == []


def test_health_details_count_next_to_a_name() -> None:
    assert find_personal_data("Frau Haddad hat Diabetes", TODAY) == [
        PersonalData.NAME,
        PersonalData.HEALTH,
    ]


def test_a_stored_note_may_name_a_family_code() -> None:
    assert find_personal_data("Termin für F-0042", TODAY, allow_family_codes=True) == []
    assert find_personal_data("F-0042, Frau Haddad", TODAY, allow_family_codes=True) == [
        PersonalData.NAME
    ]
