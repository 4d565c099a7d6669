"""Fixtures shared by every test: a real SMTP server, the AMG municipalities, people."""

import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Mailbox:
    """aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A local aiosmtpd server; Django's SMTP backend is pointed at it."""
    mailbox = _Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def municipalities(db):
    from metropoli.territory.models import Municipality
    from metropoli.territory.services import ensure_amg_municipalities

    ensure_amg_municipalities()
    return {m.inegi_code: m for m in Municipality.objects.all()}


@pytest.fixture
def guadalajara(municipalities):
    return municipalities["14039"]


@pytest.fixture
def zapopan(municipalities):
    return municipalities["14120"]


@pytest.fixture(autouse=True)
def _clear_cache(db):
    # Rate-limit counters live in the database cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()
    # Each process remembers the last layer version it read; each test's rollback resets them.
    from metropoli.maps import versions as layer_versions

    layer_versions.forget()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the platform's default language (Spanish, Mexico), whatever the test
    before it in the same process activated: messages rendered outside a request (services,
    e-mails) follow the active language."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
