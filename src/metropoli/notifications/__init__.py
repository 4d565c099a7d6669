"""Notifications: one in-app message to a person (or a guest's address), e-mailed once by the
task worker. The modules call `services.notify`; this app imports none of them
(docs/decisions/0091-one-notification-model.md)."""
