"""Translation marker for messages produced by this pure (Django-free) sub-package."""


def gettext_noop(s: str) -> str:
    """Mark ``s`` for extraction by ``makemessages`` without translating it now.

    The Django layer translates later with ``gettext(template) % params``; keeping the
    template and its parameters apart (see ``RuleViolation``) is what makes that possible.
    """
    return s
