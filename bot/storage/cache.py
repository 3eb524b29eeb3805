"""A small bounded map for records read on nearly every update."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class RecordCache(Generic[K, V]):
    """The most recently used records, at most `size`.

    Only this process writes the database while the bot runs; every store method that
    changes a record forgets it here, so the next read sees the change. Entries are only
    ever filled from the database, never from what a write intended.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._records: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        record = self._records.get(key)
        if record is not None:
            self._records.move_to_end(key)
        return record

    def put(self, key: K, record: V) -> None:
        self._records[key] = record
        self._records.move_to_end(key)
        if len(self._records) > self._size:
            self._records.popitem(last=False)

    def forget(self, key: K) -> None:
        self._records.pop(key, None)
