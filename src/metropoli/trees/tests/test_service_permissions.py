"""The trees' services check who may change a tree (decision 0088): the API, the staff's pages
and any other caller meet the same refusal."""

import pytest
from django.core.exceptions import PermissionDenied

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.errors import CommonErrorCode, DomainError
from metropoli.trees import duplicates, editing, photo_uploads, services
from metropoli.trees.models import Tree, TreePhoto

from .factories import image_bytes, make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def refused(call) -> None:
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code == CommonErrorCode.PERMISSION_DENIED
    assert isinstance(error.value, PermissionDenied)


def test_a_stranger_cannot_change_remove_answer_for_or_add_photos_to_a_tree(municipalities):
    tree = make_tree(UserFactory())
    stranger = UserFactory()
    refused(lambda: editing.change_tree(tree=tree, changed_by=stranger, changes={"dbh_cm": 40}))
    refused(lambda: services.delete_tree(tree=tree, deleted_by=stranger))
    refused(lambda: duplicates.answer(tree=tree, same=True, user=stranger))
    refused(
        lambda: photo_uploads.add_photo_once(
            tree=tree, data=image_bytes(), uploaded_by=stranger, idempotency=None
        )
    )
    tree.refresh_from_db()
    assert tree.dbh_cm == 30
    assert not TreePhoto.objects.exists()


def test_the_recorder_may_and_the_platform_itself_may_remove(municipalities):
    recorder = UserFactory()
    tree = make_tree(recorder)
    editing.change_tree(tree=tree, changed_by=recorder, changes={"dbh_cm": 40})
    assert Tree.objects.get(pk=tree.pk).dbh_cm == 40
    services.delete_tree(tree=make_tree(recorder), deleted_by=None)  # a script
    services.delete_tree(tree=tree, deleted_by=recorder)
    assert not Tree.objects.exists()
