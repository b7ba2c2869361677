"""Live pages by cheap polling: a version per topic in the shared cache, and ETag/304 answers.

A page that shows something that changes as it happens (the clearance dashboard, the scorecards)
names a *topic*. Every service that changes what the page shows calls :func:`live_bump` with it
inside its transaction; once the transaction commits, the topic's version in the shared cache
(Redis in production, files in the embedded shape: every worker of a deployment sees the same one)
is replaced. A rolled-back change bumps nothing.

The page renders with the ETag of what it shows (:func:`live_etag`), and its script
(``rabta/static/rabta/live.js``) asks the same URL's JSON every second or so with
``If-None-Match``. :func:`live_response` answers a matching tag with an empty 304 after one cache
read: no query, no rendering. A changed version rebuilds the answer. Polling suits gunicorn's sync
workers, where a held-open event stream would pin one worker per watching manager.

The ETag is the versions of the topics plus a *variant*: whatever else decides the answer (the
reader's scope, filters, language), so two readers never share a tag that answers them differently.
When the cache cannot be reached, the version is a fresh random token on each call: every poll is
then answered in full (correct, only dearer) instead of trusting a stale tag.

A page whose answer is the same for every reader of a variant (published statistics: the
scorecards) passes ``shared_s``: the first poll after a change builds the answer and keeps its JSON
in the shared cache under its ETag for that many seconds, and every other viewer of the same tag is
served those bytes (one cache read more, no query). The tag names the versions, so a change never
serves an older answer: it makes a new tag, and a new key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_cache_control

log = logging.getLogger(__name__)

_PREFIX = "rabta:live:"


def _key(topic: str) -> str:
    return f"{_PREFIX}{topic}"


def live_bump_now(topic: str) -> None:
    """Replace ``topic``'s version at once (outside a transaction: a command that wrote with SQL)."""
    try:
        cache.set(_key(topic), uuid.uuid4().hex, timeout=None)
    except Exception:  # the pollers find the cache unreachable too and are answered in full
        log.warning("live %s: cannot replace the version", topic, exc_info=True)


def live_bump(topic: str, *, using: str | None = None) -> None:
    """Tell the pages watching ``topic`` that it changed, once the current transaction commits.
    Called by the services that change what those pages show, in their transaction (a savepoint
    that rolls back drops its bump with it, as Django's ``on_commit`` does)."""
    transaction.on_commit(lambda: live_bump_now(topic), using=using)


def live_version(topic: str) -> str:
    """The current version of ``topic`` (created on first use)."""
    try:
        version = cache.get(_key(topic))
        if version is None:
            cache.add(_key(topic), uuid.uuid4().hex, timeout=None)
            version = cache.get(_key(topic))
    except Exception:
        log.warning("live %s: cannot read the version", topic, exc_info=True)
        version = None
    return str(version) if version is not None else uuid.uuid4().hex


def live_etag(topics: Iterable[str], variant: str = "") -> str:
    """The strong ETag (quoted) of an answer built from ``topics`` for ``variant``."""
    parts = [f"{topic}={live_version(topic)}" for topic in sorted(set(topics))]
    digest = hashlib.sha256("\n".join([*parts, variant]).encode()).hexdigest()[:32]
    return f'"{digest}"'


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(",")) if header else False


def _shared_answer(etag: str, build: Callable[[], Any], shared_s: int) -> bytes:
    """The JSON of ``build()`` for ``etag``, built once for every viewer within ``shared_s`` seconds."""
    key = f"{_PREFIX}answer:{etag}"
    try:
        kept = cache.get(key)
    except Exception:
        log.warning("live: cannot read a shared answer", exc_info=True)
        kept = None
    if isinstance(kept, bytes):
        return kept
    body = json.dumps(build(), cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    try:
        cache.set(key, body, timeout=shared_s)
    except Exception:
        log.warning("live: cannot keep a shared answer", exc_info=True)
    return body


def live_response(
    request: HttpRequest, *, topics: Iterable[str], variant: str, build: Callable[[], Any], shared_s: int = 0
) -> HttpResponse:
    """Answer a poll: 304 when the client's ``If-None-Match`` is the current ETag, else ``build()``
    as JSON with that ETag. The tag is taken *before* building, so a change that lands while the
    answer is built is seen by the next poll (the client never keeps a tag newer than its data).
    ``shared_s`` > 0: the answer is the same for every reader of ``variant`` and is built once per
    tag for all of them (see the module's notes)."""
    etag = live_etag(topics, variant)
    if _matches(request, etag):
        response: HttpResponse = HttpResponseNotModified()
    elif shared_s > 0:
        response = HttpResponse(_shared_answer(etag, build, shared_s), content_type="application/json")
    else:
        response = JsonResponse(build(), json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    # Private (the answer is scoped to the reader) and always revalidated: the 304 is the cheap path.
    patch_cache_control(response, private=True, no_cache=True)
    response["Vary"] = "Cookie, Accept-Language"
    return response
