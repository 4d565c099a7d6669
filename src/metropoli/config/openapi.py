"""Print the OpenAPI document generated from the code (`make openapi` commits it)."""

import json


def openapi_document() -> dict:
    import django

    django.setup()
    from django.utils import translation

    from metropoli.config.api import api

    # The committed document is in English, whatever the machine's language.
    with translation.override("en"):
        return api.get_openapi_schema(path_prefix="/api/")


def render() -> str:
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")
