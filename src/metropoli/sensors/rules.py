"""Named permissions of the sensors module.

Anyone logged in may register a sensor (they own it). The owner, and the staff of the sensor's
municipality, may change it and see its firmware settings or issue a new password.
"""

import rules

from metropoli.territory.rules import is_municipal_staff


@rules.predicate
def is_sensor_owner(user, sensor) -> bool:
    return (
        sensor is not None
        and user.is_authenticated
        and getattr(sensor, "owner_id", None) == user.pk
    )


rules.add_perm("sensors.view_sensor", rules.always_allow)
rules.add_perm("sensors.register_sensor", rules.is_authenticated)
rules.add_perm(
    "sensors.change_sensor", rules.is_authenticated & (is_sensor_owner | is_municipal_staff)
)
# Staff register sensors in someone else's name (the command line does it for them).
rules.add_perm("sensors.register_sensor_for_others", is_municipal_staff)
