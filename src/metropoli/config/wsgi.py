import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropoli.config.settings.production")
django.setup(set_prefix=False)

from metropoli.common.handlers import application as site  # noqa: E402 - needs the setup

# Django's handler for every path, but map tiles get a shorter middleware chain (decision 0097).
application = site()
