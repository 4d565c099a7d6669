import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "metropoli.config.settings.production")
django_application = get_wsgi_application()

from metropoli.maps.wsgi import TileShortcut  # noqa: E402 - needs the apps loaded above

application = TileShortcut(django_application)
