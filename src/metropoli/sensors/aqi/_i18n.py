"""Translation marker for user-facing strings, without importing Django.

This package must stay importable without Django, yet the Django layer has to translate its
messages later. ``makemessages`` (xgettext) extracts every literal passed to a function named
``gettext_noop``, so marking strings with this local no-op is enough: the Django layer calls
``gettext(result.label)`` at display time.
"""


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation and return it unchanged (es-MX is the source language)."""
    return message
