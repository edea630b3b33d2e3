"""The demo's register: each record once, in the order first remembered, written in one insert; removal takes
exactly those away."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_register_keeps_first_order_and_remove_deletes_exactly_those():
    from meili.accounts.models import User
    from meili.demo import loader
    from meili.demo.models import DemoRecord

    kept = User.objects.create(username="kept-not-demo")
    first, second = User.objects.create(username="demo-a"), User.objects.create(username="demo-b")
    register = loader._Register()
    assert register(first) is first
    register(second)
    register(first)  # remembered twice: one record, at its first place
    assert not DemoRecord.objects.exists()  # nothing written before the end of the load
    register.write()
    assert list(DemoRecord.objects.order_by("id").values_list("model", "object_id")) == [
        ("accounts.User", str(first.pk)),
        ("accounts.User", str(second.pk)),
    ]
    assert loader.is_loaded()
    assert loader.remove() == 2
    assert list(User.objects.values_list("username", flat=True)) == [kept.username]
    assert not DemoRecord.objects.exists()
