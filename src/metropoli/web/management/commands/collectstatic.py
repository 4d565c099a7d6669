"""Django's collectstatic, then the error pages nginx serves for its own errors
(web/edge_errors.py): every deployment that collects its static files has them."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.management.commands.collectstatic import Command as Collect

from metropoli.web.edge_errors import write_pages


class Command(Collect):
    help = Collect.help + " Then writes the error pages nginx serves (STATIC_ROOT/errors/)."

    def handle(self, **options):
        result = super().handle(**options)
        if not options.get("dry_run"):
            written = write_pages(Path(settings.STATIC_ROOT))
            if options["verbosity"] >= 1:
                self.stdout.write(f"{len(written)} error pages for nginx written.")
        return result
