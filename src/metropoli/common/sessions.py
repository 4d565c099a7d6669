"""Django's database sessions, with a key a guest's first keyed write can reserve for free.

An idempotency key of a guest belongs to the browser session (decision 0046). A guest who has
none yet used to get one at once (a lookup and an INSERT, each in its own round trip) and then
the session middleware wrote it again (an UPDATE) to send the cookie. `reserve_key` only draws
the key; the middleware's save at the end of the request inserts the row, once
(docs/decisions/0082-one-write-for-a-guest-session.md).
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import SessionBase
from django.utils.crypto import get_random_string

# Django's own alphabet and length for session keys.
KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
KEY_LENGTH = 32


def reserve_key(session: SessionBase) -> str:
    """The session's key; one is drawn without a query when it has none (our store), or the
    session is saved at once (any other store)."""
    if isinstance(session, SessionStore):
        return session.reserve_key()
    if session.session_key is None:
        session.save()
        session.modified = True  # so that the response hands the guest its cookie
    key = session.session_key
    assert key is not None
    return key


class SessionStore(db.SessionStore):
    def reserve_key(self) -> str:
        """This session's key, drawn now (without a query) when it has none; the row is
        written by the middleware when the response goes out."""
        if self.session_key is None:
            # An empty session's data, so that nothing loads (and drops) the unsaved key later.
            self._get_session()  # type: ignore[attr-defined]  # Django's, missing from the stubs
            self._session_key = get_random_string(KEY_LENGTH, KEY_CHARS)
            self._reserved = True
            self.modified = True  # the middleware saves it and sends the cookie
        key = self.session_key
        assert key is not None
        return key

    def save(self, must_create: bool = False) -> None:
        if getattr(self, "_reserved", False):
            self._reserved = False
            must_create = True  # an INSERT: no row has this key yet
        super().save(must_create=must_create)
