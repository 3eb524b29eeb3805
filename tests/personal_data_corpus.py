"""A labelled corpus for the personal-data check: realistic case-note sentences in German,
English and Ukrainian, written for these tests (all names, numbers and addresses invented).

Each sample names the kinds of personal data a careful reader would see in it; an empty set
means none. About half have personal data; the other half are confusers a note often holds:
appointment dates and times, amounts, office names, towns alone, case-manager jargon. Dates
are read as of TODAY. Family codes count as personal data (for DeepL), as the check does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.privacy.personal_data import PersonalData as P

TODAY = date(2026, 11, 24)


@dataclass(frozen=True)
class Sample:
    language: str
    text: str
    kinds: frozenset[P] = frozenset()


def s(language: str, text: str, *kinds: P) -> Sample:
    return Sample(language, text, frozenset(kinds))


CORPUS = (
    # German, with personal data ---------------------------------------------------------
    s("de", "Gespräch mit Frau Kovalenko über den Integrationskurs geführt.", P.NAME),
    s("de", "Herr Al-Rashid war heute ohne Termin im Büro.", P.NAME),
    s("de", "Olena Petrenko hat die Zusage für den Kita-Platz bekommen.", P.NAME),
    s("de", "Rückruf von Hr. Yılmaz wegen der Anerkennung des Diploms.", P.NAME),
    s("de", "Familie wohnt jetzt in der Bahnhofstraße 14 in Ahlen.", P.ADDRESS),
    s("de", "Neue Adresse: Warendorfer Straße 112a, 59227 Ahlen.", P.ADDRESS),
    s("de", "Umzug nach 48291 Telgte zum Monatsende geplant.", P.ADDRESS),
    s("de", "Wohnungsbesichtigung Am Kirchplatz 3 in Oelde vereinbart.", P.ADDRESS),
    s("de", "Steuer-ID für den Arbeitgeber: 65929970489.", P.ID_NUMBER),
    s("de", "Die Sozialversicherungsnummer lautet 12 150785 K 123.", P.ID_NUMBER),
    s("de", "Reisepassnummer C01X00T47 an die ABH weitergegeben.", P.ID_NUMBER),
    s("de", "Personalausweis-Nr. L01X00T47 liegt in Kopie vor.", P.ID_NUMBER),
    s("de", "Aufenthaltstitel Nr. Y8C4K2P19 gilt bis Juni.", P.ID_NUMBER),
    s("de", "Die Mutter ist geboren am 3. März 1985 in Charkiw.", P.BIRTH_DATE),
    s("de", "Sohn geb. 14.07.2015, braucht einen Schulplatz.", P.BIRTH_DATE),
    s("de", "Tochter, Jahrgang 2012, besucht die Realschule.", P.BIRTH_DATE),
    s("de", "Frau Haddad hat seit Jahren Diabetes und braucht einen Arzttermin.", P.NAME, P.HEALTH),
    s("de", "Herr Popov ist wegen PTBS in Behandlung, Therapieplatz gesucht.", P.NAME, P.HEALTH),
    s(
        "de",
        "Ahmad Rahimi ist schwanger? Nein: seine Frau, Termin beim Frauenarzt.",
        P.NAME,
        P.HEALTH,
    ),
    s("de", "Bitte Frau Schulte vom Jobcenter unter 02382 94410 zurückrufen.", P.NAME, P.PHONE),
    s("de", "Mail an olena.petrenko@example.org mit den Unterlagen geschickt.", P.EMAIL),
    s("de", "Miete geht an DE89 3704 0044 0532 0130 00.", P.IBAN),
    s("de", "Unterlagen für F-0042 bei der Einbürgerungsbehörde abgegeben.", P.FAMILY_CODE),
    s("de", "Mehmet Demir wohnt Lindenweg 7, 59302 Oelde.", P.NAME, P.ADDRESS),
    s(
        "de",
        "Iryna Bondarenko, geboren am 12.05.1979, Antrag auf Einbürgerung.",
        P.NAME,
        P.BIRTH_DATE,
    ),
    s("de", "Gespräch mit Nadia Karimi und ihrem Bruder über die Ausbildung.", P.NAME),
    s("de", "Die Familie wohnt jetzt Am Bahnhof 3 in Ennigerloh.", P.ADDRESS),
    s(
        "de",
        "Vater hat eine Depression, Gespräch mit Herrn Nouri beim Sozialpsychiatrischen Dienst.",
        P.NAME,
        P.HEALTH,
    ),
    s(
        "de",
        "Tax-ID fehlt noch, Sozialversicherungsausweis Nr. 65 170839 J 004 liegt vor.",
        P.ID_NUMBER,
    ),
    # German, without personal data -----------------------------------------------------
    s("de", "Termin bei der Ausländerbehörde am 15.12.2026 um 10:30 vorbereitet."),
    s("de", "Begleitung zum Jobcenter Ahlen, Antrag auf Bürgergeld abgegeben."),
    s("de", "Kita-Platz für zwei Kinder ab Januar zugesagt."),
    s("de", "Wartezeit beim Integrationskurs: etwa 3 Monate."),
    s("de", "Familie zieht innerhalb von Beckum um, Wohnung noch nicht gefunden."),
    s("de", "Anerkennung der Berufsqualifikation bei der IHK beantragt."),
    s("de", "Gebühr von 55,00 € für die Beglaubigung vom Sozialamt übernommen."),
    s("de", "Nächster Hausbesuch am Dienstag, 9 Uhr, mit Dolmetscherin."),
    s("de", "Fallbesprechung mit der Koordination: Terminvergabe der ABH dauert zu lange."),
    s("de", "Wiedervorlage 02.12.: Bescheid des Sozialamts prüfen."),
    s("de", "Die Kinder gehen jetzt in die Grundschule in Sendenhorst."),
    s("de", "Sprachkurs B1 abgeschlossen, Prüfung bestanden."),
    s("de", "Antrag auf Kindergeld bei der Familienkasse gestellt, 3 Kopien gemacht."),
    s("de", "Pass ist abgelaufen, Termin beim Konsulat in Düsseldorf nötig."),
    s("de", "Beratung zu Wohnen und Leistungen nach AsylbLG, 45 Minuten."),
    s("de", "Wohnberechtigungsschein beim Kreis Warendorf beantragt."),
    s("de", "Praktikum im Betrieb ab 01.02.2027, Vertrag liegt vor."),
    s("de", "Miete 620 Euro warm, das Jobcenter übernimmt die Kosten."),
    s("de", "Gesundheit: Hausarzt gefunden, Versichertenkarte ist beantragt."),
    s("de", "#struktur Termine bei der ABH nur online, ohne Sprachmittlung."),
    s("de", "Frau und Kinder sind beim Elternabend gewesen."),
    s("de", "Der Kita-Platz 2 in der Gruppe ist ab März frei."),
    s("de", "Anruf beim Bürgerbüro Telgte, Öffnungszeiten Mo-Fr 08:00-12:00."),
    s("de", "Zeugnis aus der Ukraine übersetzen lassen: 4 Seiten."),
    s("de", "Schulbescheinigung für das Schuljahr 2026/27 vorgelegt."),
    s("de", "Sprechstunde im Kreishaus, Waldenburger Straße 2, 48231 Warendorf."),
    s("de", "Frau Doktor hat die Bescheinigung für die Kita ausgestellt."),
    s("de", "Die Ärztin hat ein Attest für die Schule geschrieben, Kosten 20 €."),
    s("de", "Maria Himmelfahrt ist kein Feiertag in NRW, Termin bleibt."),
    # English, with personal data --------------------------------------------------------
    s("en", "Met Mrs Hosseini to discuss the language course.", P.NAME),
    s("en", "Mr. Kowalski called about the job centre letter.", P.NAME),
    s("en", "Fatima Sultani asked for help with the childcare application.", P.NAME),
    s("en", "The family moved to Hauptstraße 5, 48231 Warendorf.", P.ADDRESS),
    s("en", "Passport number FA1234567 was copied for the immigration office.", P.ID_NUMBER),
    s("en", "Her tax ID is 65929970489, the employer needs it.", P.ID_NUMBER),
    s("en", "Son born on 3rd of March 2016, needs a school place.", P.BIRTH_DATE),
    s("en", "Date of birth: 04/11/1988.", P.BIRTH_DATE),
    s("en", "Ms Ahmadi was diagnosed with depression last year.", P.NAME, P.HEALTH),
    s("en", "Mr Haidari is HIV positive and needs a specialist.", P.NAME, P.HEALTH),
    s("en", "Call back on +49 171 2345678 after 5 pm.", P.PHONE),
    s("en", "Send the documents to a.sultani@example.com.", P.EMAIL),
    s("en", "Follow up for F-0107 next week.", P.FAMILY_CODE),
    s(
        "en",
        "Mohammed Haddad, residence permit number Y4K9L2M71, expires soon.",
        P.NAME,
        P.ID_NUMBER,
    ),
    s("en", "Dmytro Shevchuk lives at 12 Park Road now.", P.NAME, P.ADDRESS),
    s("en", "Spoke with Zarina Ahmadzai about her nursing diploma.", P.NAME),
    s("en", "Her husband Karim has cancer and cannot attend the course.", P.NAME, P.HEALTH),
    # English, without personal data -----------------------------------------------------
    s("en", "Appointment at the immigration office on 15 December at 10:30."),
    s("en", "Accompanied the family to the Jobcenter Ahlen."),
    s("en", "Language course waiting time is about three months."),
    s("en", "Interpreter booked for 2 hours, 170 EUR from the interpreting fund."),
    s("en", "The school in Oelde has places for both children."),
    s("en", "Recognition of the nursing diploma is still pending."),
    s("en", "Housing: the flat in Beckum is too small for five people."),
    s("en", "Next home visit on Tuesday at 9."),
    s("en", "Structural gap: no childcare places in Ennigerloh until summer."),
    s("en", "Benefits under SGB II approved, first payment in December."),
    s("en", "The passport has expired; consulate appointment needed."),
    s("en", "Health insurance card requested, family doctor found."),
    s("en", "Case conference with the coordination on 03.12.2026."),
    s("en", "Citizenship application checklist explained, 12 documents missing."),
    s("en", "Meeting room 2 at the Kreishaus, 14:00 to 15:30."),
    s("en", "Mr Case Manager on duty today is at the Ahlen office."),
    s("en", "Pregnancy counselling offered by Caritas in Warendorf."),
    # Ukrainian, with personal data ------------------------------------------------------
    s("uk", "Розмова з пані Коваленко про інтеграційний курс.", P.NAME),
    s("uk", "Пан Мельник прийшов без запису.", P.NAME),
    s("uk", "Олена Петренко отримала місце в дитсадку.", P.NAME),
    s("uk", "Сім'я тепер живе на вул. Шевченка, 12 у Києві.", P.ADDRESS),
    s("uk", "Нова адреса: Hauptstraße 5, 48231 Warendorf.", P.ADDRESS),
    s("uk", "Паспорт FA 123456 потрібно показати в ABH.", P.ID_NUMBER),
    s("uk", "Податковий номер (Steuer-ID) 65929970489 для роботодавця.", P.ID_NUMBER),
    s("uk", "Син народився 3 березня 2015 року.", P.BIRTH_DATE),
    s("uk", "Дата народження: 12.05.1979.", P.BIRTH_DATE),
    s("uk", "Пані Бондаренко має діабет, потрібен лікар.", P.NAME, P.HEALTH),
    s("uk", "Ірина Ткачук вагітна, термін у гінеколога.", P.NAME, P.HEALTH),
    s("uk", "Телефон для зв'язку: +380 67 123 4567.", P.PHONE),
    s("uk", "Документи надіслано на iryna.t@example.com.", P.EMAIL),
    s("uk", "Андрій Савчук, 1983 р.н., шукає роботу.", P.NAME, P.BIRTH_DATE),
    s("uk", "Наступна зустріч для F-0042 у вівторок.", P.FAMILY_CODE),
    s("uk", "Олександр Гнатюк телефонував щодо житла.", P.NAME),
    s("uk", "Номер посвідки на проживання Y7P3K1N28.", P.ID_NUMBER),
    s("uk", "Допомога отримана від пана Іваненка.", P.NAME),
    s("uk", "Світлана Кравченко, вул. Лесі Українки, 7.", P.NAME, P.ADDRESS),
    s("uk", "Оплата на UA21 3223 1300 0002 6007 2335 6600 1.", P.IBAN),
    s("uk", "Говорили з Наталією Мороз про роботу.", P.NAME),
    s("uk", "ІПН 3012345678 потрібен для банку.", P.ID_NUMBER),
    # Ukrainian, without personal data ---------------------------------------------------
    s("uk", "Зустріч в Ausländerbehörde 15.12.2026 о 10:30."),
    s("uk", "Супровід до Jobcenter Ahlen, заяву подано."),
    s("uk", "Черга на інтеграційний курс приблизно три місяці."),
    s("uk", "Сім'я з Харкова шукає квартиру в Беккумі."),
    s("uk", "Діти ходять до школи в Зендендорсті."),
    s("uk", "Перекладач на дві години, 170 євро."),
    s("uk", "Визнання диплома медсестри ще триває."),
    s("uk", "Наступний візит у вівторок о 9:00."),
    s("uk", "Паспорт прострочений, потрібен запис у консульстві."),
    s("uk", "Курс німецької B1 завершено, іспит складено."),
    s("uk", "Українська мова та німецька мова в школі."),
    s("uk", "Заява на Kindergeld подана до Familienkasse."),
    s("uk", "Страхова картка замовлена, сімейного лікаря знайдено."),
    s("uk", "Київська область, евакуація у 2022 році."),
    s("uk", "Оренда 620 євро, Jobcenter оплачує."),
    s("uk", "Консультація щодо житла та виплат, 45 хвилин."),
    s("uk", "Місце в дитсадку з січня, дві дитини."),
    s("uk", "Зустріч з координацією 03.12.2026 о 14:00."),
    s("uk", "Дніпропетровська область, переїзд до Варендорфа."),
    s("uk", "Пані з Jobcenter обіцяла відповісти до п'ятниці."),
)
