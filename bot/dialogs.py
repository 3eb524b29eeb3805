"""The answers of an unfinished guided dialog, and what they make when complete."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from bot.casework import BenefitSystem, ContactType, Topic
from bot.interpreting import Mode, Purpose, RequestDraft
from bot.parsing import ContactDraft, FamilyDraft

# Offered as buttons; anything else can be typed by code or name.
FREQUENT_ORIGINS = ("UA", "SY", "AF", "IQ", "TR", "IR", "ER", "RU")
FREQUENT_LANGUAGES = ("uk", "ru", "ar", "fa", "prs", "kmr", "ckb", "tr", "ti", "ps", "so", "en")
DURATION_CHOICES = (15, 30, 45, 60, 90, 120)
INTERPRETING_CHOICES = (60, 90, 120, 180)
PAGE_CHOICES = (1, 2, 3, 5, 10)


@dataclass
class NewFamilyDialog:
    town: str | None = None
    origin: str | None = None
    languages: list[str] = field(default_factory=list)
    household_size: int | None = None
    fled_ukraine: bool | None = None
    benefit_system: BenefitSystem | None = None
    consent: bool = False
    # The message asking to save: only its Save button counts.
    message_id: int | None = None

    def toggle_language(self, code: str) -> None:
        if code in self.languages:
            self.languages.remove(code)
        else:
            self.languages.append(code)

    def draft(self) -> FamilyDraft:
        assert self.town and self.origin and self.languages and self.household_size
        return FamilyDraft(
            town=self.town,
            origin=self.origin,
            household_size=self.household_size,
            languages=tuple(self.languages),
            fled_ukraine=bool(self.fled_ukraine),
            benefit_system=self.benefit_system,
            consent=self.consent,
        )


@dataclass
class ContactDialog:
    contact_on: date
    family_id: int | None = None
    contact_type: ContactType | None = None
    minutes: int | None = None
    topics: list[Topic] = field(default_factory=list)
    note: str = ""
    message_id: int | None = None

    def toggle_topic(self, topic: Topic) -> None:
        if topic in self.topics:
            self.topics.remove(topic)
        else:
            self.topics.append(topic)

    def draft(self) -> ContactDraft:
        assert self.family_id and self.contact_type and self.minutes and self.topics
        return ContactDraft(
            family_id=self.family_id,
            contact_on=self.contact_on,
            minutes=self.minutes,
            contact_type=self.contact_type,
            topics=tuple(topic for topic in Topic if topic in self.topics),
            note=self.note,
        )


@dataclass
class RequestDialog:
    """An interpreter request being put together, step by step or from the one-line form."""

    family_id: int | None = None
    language: str | None = None
    mode: Mode | None = None
    day: date | None = None
    start: time | None = None
    minutes: int | None = None
    pages: int | None = None
    town: str | None = None
    purpose: Purpose | None = None
    message_id: int | None = None

    def draft(self) -> RequestDraft:
        assert self.language and self.mode and self.day and self.purpose
        return RequestDraft(
            language=self.language,
            mode=self.mode,
            day=self.day,
            start=self.start,
            purpose=self.purpose,
            minutes=self.minutes,
            pages=self.pages,
            town=self.town,
            family_id=self.family_id,
        )

    @classmethod
    def of(cls, draft: RequestDraft) -> RequestDialog:
        return cls(
            family_id=draft.family_id,
            language=draft.language,
            mode=draft.mode,
            day=draft.day,
            start=draft.start,
            minutes=draft.minutes,
            pages=draft.pages,
            town=draft.town,
            purpose=draft.purpose,
        )
