import factory

from metropoli.accounts.models import User
from metropoli.territory.models import RoleAssignment

PASSWORD = "un-árbol-da-sombra-42"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.mx")
    display_name = factory.Sequence(lambda n: f"Persona {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def person_with(role: str, municipality=None, **fields) -> User:
    user = UserFactory(**fields)
    RoleAssignment.objects.create(user=user, role=role, municipality=municipality)
    return user
