"""The people of the tests: staff in every role and a stranger (`tests/conftest.py` gives
them to the tests; the fuzzer adds a few more)."""

from __future__ import annotations

from bot.core.offline import Person

ADMIN = Person(1001, "Amira", "amira_admin", "de")
COORDINATOR = Person(1002, "Konrad", "konrad_koord", "de")
CASE_MANAGER = Person(1003, "Anna", "anna_kim", "de")
COLLEAGUE = Person(1004, "Oksana", "oksana_cm", "uk")
STRANGER = Person(666, "Fremd", "fremd", "de")
