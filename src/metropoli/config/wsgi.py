import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropoli.config.settings.production")
django.setup(set_prefix=False)

from metropoli.common.handlers import application as site  # noqa: E402 - needs the setup
from metropoli.common.statement_timeout import limit_web_statements  # noqa: E402

# A request's statement may not hold the database longer than 30 s (decision 0103).
limit_web_statements()

# Django's handler for every path, but map tiles get a shorter middleware chain (decision 0097).
application = site()
