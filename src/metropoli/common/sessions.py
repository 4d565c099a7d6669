"""Django's database sessions, with a key a guest's first keyed write can reserve for free.

An idempotency key of a guest belongs to the browser session (decision 0046). A guest who has
none yet used to get one at once (a lookup and an INSERT, each in its own round trip) and then
the session middleware wrote it again (an UPDATE) to send the cookie. `reserve_key` only draws
the key; the middleware's save at the end of the request inserts the row, once
(docs/decisions/0082-one-write-for-a-guest-session.md).

A reserved key is longer than Django's (40 characters, not 32), and only a guest's keyed write
draws one: signing in always gives the session a new key of Django's (`login` cycles it). So a
request with a 40-character session key comes from a guest, and `AuthenticationMiddleware`
here says so without reading the session row: a returning guest's checkout has no session
query at all (docs/decisions/0094-a-guests-session-key-says-guest.md). A forged key of that
length can only make its sender a guest.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils.crypto import get_random_string

# Django's own alphabet for session keys; its keys have 32 characters, a guest's reserved
# key 40 (the most the session table holds).
KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
GUEST_KEY_LENGTH = 40


def is_guest_key(key: str | None) -> bool:
    """A key `reserve_key` drew for a guest (never one a signed-in person's session has)."""
    return key is not None and len(key) == GUEST_KEY_LENGTH


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
            self._session_key = get_random_string(GUEST_KEY_LENGTH, KEY_CHARS)
            self._reserved = True
            self.modified = True  # the middleware saves it and sends the cookie
        key = self.session_key
        assert key is not None
        return key

    def save(self, must_create: bool = False) -> None:
        if getattr(self, "_reserved", False):
            self._reserved = False
            must_create = True  # an INSERT: no row has this key yet
        if self.session_key is None:
            return super().save(must_create=must_create)
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        obj = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=obj)
        if connections[using].in_atomic_block:
            # Inside a transaction, Django's own save: its savepoint keeps a refused INSERT
            # from breaking the caller's transaction.
            return super().save(must_create=must_create)
        # Outside one (the middleware, as the response goes out), the one INSERT or UPDATE is
        # a transaction by itself: Django's BEGIN and COMMIT around it were two round trips
        # for nothing (decision 0094). Same errors as Django's.
        try:
            obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise


async def _anonymous() -> AnonymousUser:
    return AnonymousUser()


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, except that a guest's reserved session key is a guest without a query."""

    def process_request(self, request):
        if is_guest_key(getattr(getattr(request, "session", None), "session_key", None)):
            request.user = AnonymousUser()
            request.auser = partial(_anonymous)
            return
        super().process_request(request)
