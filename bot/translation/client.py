"""The DeepL client.

The official `deepl` client is synchronous (requests), so every call runs in a worker thread.
Texts sent through a DeepL API Free key (ending in ":fx") may be used by DeepL to improve
its service; Pro texts are deleted after translation (DOMAIN: DeepL facts, Data protection).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.core.config import Settings

log = logging.getLogger(__name__)

# Asked of DeepL for every text: formal address where the target language has it, and
# DeepL's default where it has not (a plain "more" would fail for those languages).
FORMALITY = "prefer_more"


@dataclass(frozen=True)
class TranslationResult:
    text: str
    detected_source_language: str
    billed_characters: int


@dataclass(frozen=True)
class TranslationUsage:
    """Characters translated in the current billing period, and the account's limit."""

    characters: int
    limit: int | None

    @property
    def limit_reached(self) -> bool:
        return self.limit is not None and self.characters >= self.limit


@dataclass(frozen=True)
class TargetLanguage:
    """A language DeepL translates into: `code` as DeepL spells it (UK, EN-GB, ZH-HANS)."""

    code: str
    name: str
    supports_formality: bool

    @property
    def base_code(self) -> str:
        """The ISO 639 code without variant, lower-case: EN-GB → en."""
        return base_code(self.code)


def base_code(target: str) -> str:
    return target.split("-", 1)[0].lower()


def is_free_key(auth_key: str) -> bool:
    import deepl  # see open_translator

    return deepl.util.auth_key_is_free_account(auth_key)


class MachineTranslator:
    """The DeepL client of the running bot, opened at start-up and closed at shutdown."""

    def __init__(self, auth_key: str, server_url: str | None = None) -> None:
        import deepl  # see open_translator

        self._client = deepl.DeepLClient(auth_key, server_url=server_url)
        self.is_free = is_free_key(auth_key)
        self._targets: list[TargetLanguage] | None = None

    async def translate(self, text: str, target: str) -> TranslationResult:
        """Translate `text` into the DeepL target code `target`; raises DeepLException."""
        result = await asyncio.to_thread(
            self._client.translate_text, text, target_lang=target, formality=FORMALITY
        )
        return TranslationResult(
            text=result.text,
            detected_source_language=result.detected_source_lang,
            billed_characters=result.billed_characters,
        )

    async def target_languages(self) -> list[TargetLanguage]:
        """DeepL's target languages, asked once; a failed request is asked again next time."""
        if self._targets is None:
            languages = await asyncio.to_thread(self._client.get_target_languages)
            self._targets = [
                TargetLanguage(
                    code=language.code.upper(),
                    name=language.name,
                    supports_formality=bool(language.supports_formality),
                )
                for language in languages
            ]
        return self._targets

    async def usage(self) -> TranslationUsage:
        """What the account has used this billing period; raises DeepLException."""
        usage = await asyncio.to_thread(self._client.get_usage)
        return TranslationUsage(usage.character.count or 0, usage.character.limit)

    def close(self) -> None:
        self._client.close()


def open_translator(settings: Settings) -> MachineTranslator | None:
    """The translator for DEEPL_AUTH_KEY, or None when no key is configured."""
    if settings.deepl_auth_key is None:
        return None
    # Imported only with a key: the client and `requests` cost a tenth of a second and
    # several megabytes at every start.
    import deepl

    # The client logs each request body (the case text) at DEBUG: never let that through.
    logging.getLogger("deepl").setLevel(max(logging.INFO, logging.getLogger("deepl").level))
    # The client retries five times with growing pauses; one retry is enough for a person
    # waiting in a chat.
    deepl.http_client.max_network_retries = min(deepl.http_client.max_network_retries, 1)
    translator = MachineTranslator(settings.deepl_auth_key.strip(), settings.deepl_server_url)
    if translator.is_free:
        log.warning(
            "DEEPL_AUTH_KEY is a DeepL API Free key: texts sent through it may be used by "
            "DeepL to improve its service. %s",
            "DEEPL_ALLOW_FREE is set, so /translate sends case texts anyway."
            if settings.deepl_allow_free
            else "/translate refuses to send case texts unless DEEPL_ALLOW_FREE=true.",
        )
    return translator
