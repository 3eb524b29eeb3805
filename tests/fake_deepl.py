"""A fake DeepL API on 127.0.0.1 for tests: the requests the official client makes, no more.

The client (deepl 1.32) sends POST /v2/translate with a JSON body, GET /v2/usage without a
body, and GET /v2/languages with a form body (`type=target` for target languages), each
with the header `Authorization: DeepL-Auth-Key <key>`. Form bodies on POST are accepted
too, as the HTTP API allows them.

The fake translation of "Hallo" into UK is "[UK] Hallo", billed by its length. Tests make
the next requests fail with `fail_next` and read what arrived in `requests`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.helpers.servers import serve_on_loopback

TARGET_LANGUAGES = (
    ("AR", "Arabic", True),
    ("BG", "Bulgarian", True),
    ("CKB", "Kurdish (Sorani)", False),
    ("DE", "German", True),
    ("EN-GB", "English (British)", False),
    ("EN-US", "English (American)", False),
    ("ES", "Spanish", True),
    ("FA", "Persian", False),
    ("FR", "French", True),
    ("IT", "Italian", True),
    ("KMR", "Kurdish (Kurmanji)", False),
    ("PL", "Polish", True),
    ("PRS", "Dari", False),
    ("PS", "Pashto", False),
    ("PT-BR", "Portuguese (Brazilian)", True),
    ("PT-PT", "Portuguese (European)", True),
    ("RO", "Romanian", True),
    ("RU", "Russian", True),
    ("SQ", "Albanian", False),
    ("SR", "Serbian", False),
    ("TR", "Turkish", True),
    ("UK", "Ukrainian", True),
    ("ZH-HANS", "Chinese (simplified)", False),
)
SOURCE_LANGUAGES = (
    ("AR", "Arabic"), ("BG", "Bulgarian"), ("DE", "German"), ("EN", "English"),
    ("ES", "Spanish"), ("FA", "Persian"), ("FR", "French"), ("IT", "Italian"),
    ("PL", "Polish"), ("PT", "Portuguese"), ("RO", "Romanian"), ("RU", "Russian"),
    ("TR", "Turkish"), ("UK", "Ukrainian"), ("ZH", "Chinese"),
)  # fmt: skip

# Statuses DeepL answers with, and its messages for them.
FAILURES = {
    403: "Wrong endpoint. Use https://api.deepl.com",
    429: "Too many requests",
    456: "Quota exceeded. The character limit has been reached.",
    500: "Internal server error",
}
# `fail_next(DISCONNECT)`: close the connection without an answer (a network failure).
DISCONNECT = 0


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as it arrived: `params` merges the query and the JSON or form body."""

    method: str
    path: str
    auth_key: str | None
    content_type: str
    params: dict[str, Any]


class FakeDeepL:
    """The server and its test-side switches."""

    def __init__(self, character_limit: int = 1_000_000) -> None:
        self.character_limit = character_limit
        self.detected_source_language = "DE"
        self.requests: list[ReceivedRequest] = []
        self.url = ""
        self._failures: dict[str, list[int]] = {}
        self._character_count = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("POST", "/v2/translate", self._translate)
        app.router.add_route("*", "/v2/usage", self._usage)
        app.router.add_route("*", "/v2/languages", self._languages)
        self._runner, self.url = await serve_on_loopback(app, access_log=None)
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # The test side ---------------------------------------------------------------------

    def fail_next(self, status: int, endpoint: str = "translate", times: int = 1) -> None:
        """The next `times` requests to /v2/<endpoint> fail with `status` (or DISCONNECT)."""
        self._failures.setdefault(endpoint, []).extend([status] * times)

    @property
    def translated_texts(self) -> list[str]:
        """Every text that reached /v2/translate, in order."""
        return [
            text
            for request in self.requests
            if request.path == "/v2/translate"
            for text in _as_list(request.params.get("text"))
        ]

    def requests_to(self, endpoint: str) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.path == f"/v2/{endpoint}"]

    # The API ---------------------------------------------------------------------------

    async def _receive(self, request: web.Request) -> tuple[ReceivedRequest, web.Response | None]:
        """Record the request; the answer when it must fail (unauthorised, or switched)."""
        received = ReceivedRequest(
            method=request.method,
            path=request.path,
            auth_key=_auth_key(request.headers.get("Authorization", "")),
            content_type=request.content_type,
            params=await _parameters(request),
        )
        self.requests.append(received)
        if not received.auth_key:
            return received, _error(403, "Authorization header missing or not DeepL-Auth-Key")
        endpoint = request.path.removeprefix("/v2/")
        pending = self._failures.get(endpoint)
        if pending:
            status = pending.pop(0)
            if status == DISCONNECT:
                # Closed before anything is written: the client sees the connection aborted.
                request.transport.close()
                return received, web.Response()
            return received, _error(status, FAILURES.get(status, "Fake failure"))
        return received, None

    async def _translate(self, request: web.Request) -> web.Response:
        received, failure = await self._receive(request)
        if failure is not None:
            return failure
        texts = _as_list(received.params.get("text"))
        target = str(received.params.get("target_lang", "")).upper()
        if not texts or not target:
            return _error(400, "Parameter 'text' and 'target_lang' are required")
        if target in {"EN", "PT"} or target not in {code for code, *_ in TARGET_LANGUAGES}:
            return _error(400, "Value for 'target_lang' not supported.")
        translations = []
        for text in texts:
            self._character_count += len(text)
            translations.append(
                {
                    "detected_source_language": self.detected_source_language,
                    "text": f"[{target}] {text}",
                    "billed_characters": len(text),
                }
            )
        return web.json_response({"translations": translations})

    async def _usage(self, request: web.Request) -> web.Response:
        _received, failure = await self._receive(request)
        if failure is not None:
            return failure
        return web.json_response(
            {"character_count": self._character_count, "character_limit": self.character_limit}
        )

    async def _languages(self, request: web.Request) -> web.Response:
        received, failure = await self._receive(request)
        if failure is not None:
            return failure
        if received.params.get("type") == "target":
            return web.json_response(
                [
                    {"language": code, "name": name, "supports_formality": formality}
                    for code, name, formality in TARGET_LANGUAGES
                ]
            )
        return web.json_response(
            [{"language": code, "name": name} for code, name in SOURCE_LANGUAGES]
        )


def _auth_key(header: str) -> str | None:
    scheme, _space, key = header.partition(" ")
    if scheme != "DeepL-Auth-Key":
        return None
    return key.strip() or None


async def _parameters(request: web.Request) -> dict[str, Any]:
    """Query and body; a form body also on GET, which the client sends for /v2/languages."""
    params: dict[str, Any] = dict(request.query)
    body = await request.text()
    if not body:
        return params
    if request.content_type == "application/json":
        params.update(json.loads(body))
    else:
        for name, value in parse_qsl(body, keep_blank_values=True):
            if name in params:
                params[name] = [*_as_list(params[name]), value]
            else:
                params[name] = value
    return params


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status)
