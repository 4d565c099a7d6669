"""Settings for `make run`: the demo on this machine."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("METROPOLI_DEBUG", True)
# A fixed key is fine for the local demo only; production.py refuses to start without one.
SECRET_KEY = SECRET_KEY or "metropoli-local-demo-key-not-for-production"  # noqa: S105
