"""The error pages nginx serves for its own errors (web/edge_errors.py): every status, in every
language, as the app's own error page and as the API's JSON."""

import json

from django.core.management import call_command

from metropoli.web.edge_errors import EDGE_ERRORS


def test_collectstatic_writes_every_page_in_every_language(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--no-input", verbosity=0)
    for language, message in [
        ("es-mx", "Lo que enviaste es demasiado grande (una foto puede pesar hasta 12 MB)."),
        ("en", "What you sent is too large (a photo may weigh up to 12 MB)."),
    ]:
        folder = tmp_path / "errors" / language
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            f"{status}.{kind}" for status in EDGE_ERRORS for kind in ("html", "json")
        )
        answer = json.loads((folder / "413.json").read_text(encoding="utf-8"))
        assert answer["code"] == "payload_too_large"
        assert answer["message"].startswith(message)
        page = (folder / "413.html").read_text(encoding="utf-8")
        assert f'<html lang="{language}">' in page and message in page
    spanish = json.loads((tmp_path / "errors" / "es-mx" / "502.json").read_text())
    assert spanish == {
        "code": "service_unavailable",
        "message": "El servicio no está disponible por el momento. Vuelve a intentarlo en un "
        "minuto.",
    }


def test_a_dry_run_writes_nothing(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--no-input", "--dry-run", verbosity=0)
    assert not (tmp_path / "errors").exists()
