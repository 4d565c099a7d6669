"""The translation marker of the pure (Django-free) sub-packages.

Pure code must stay importable without Django, yet the Django layer has to translate its
messages later. ``makemessages`` (xgettext) extracts every literal passed to a function named
``gettext_noop``, so marking strings with this no-op is enough: the Django layer translates at
display time with ``gettext(template) % params``, which is why coded errors and rule violations
keep a message template apart from its parameters.
"""


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction by ``makemessages`` and return it unchanged."""
    return message
