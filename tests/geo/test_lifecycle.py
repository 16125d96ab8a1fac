"""Lifecycle steps and who may take them."""
from __future__ import annotations

import pytest

from geo import lifecycle as lc


def walk(role, status, *actions):
    for a in actions:
        status = lc.step(a, status, role).target
    return status


def test_happy_path_takes_two_roles():
    assert walk("commune_staff", "draft", "submit") == "submitted"
    assert walk("province_staff", "submitted", "inspect", "grant") == "granted"
    assert walk("province_staff", "granted", "suspend", "reinstate", "renew", "revoke") == "revoked"
    assert walk("province_staff", "expired", "renew") == "granted"
    assert walk("admin", "draft", "submit", "inspect", "grant") == "granted"


@pytest.mark.parametrize("action", ["inspect", "grant", "suspend", "reinstate", "revoke", "renew"])
def test_commune_staff_cannot_take_province_steps(action):
    with pytest.raises(lc.NotAllowed):
        lc.step(action, lc.STEPS[action].sources[0], "commune_staff")


@pytest.mark.parametrize("role", ["viewer", "tourism_promoter"])
def test_readers_take_no_step(role):
    for action, s in lc.STEPS.items():
        with pytest.raises(lc.NotAllowed):
            lc.step(action, s.sources[0], role)
    assert not lc.may_create(role)


def test_steps_start_only_from_their_status():
    with pytest.raises(lc.WrongStatus, match="cannot grant a submitted"):
        lc.step("grant", "submitted", "province_staff")
    with pytest.raises(lc.WrongStatus):
        lc.step("submit", "revoked", "admin")
    with pytest.raises(KeyError):
        lc.step("approve", "draft", "admin")


def test_edit_and_delete_rules():
    assert lc.may_edit("commune_staff", "draft") and not lc.may_edit("commune_staff", "submitted")
    assert lc.may_edit("province_staff", "granted")
    with pytest.raises(lc.WrongStatus):
        lc.may_edit("admin", "revoked")
    assert lc.may_delete("commune_staff", "draft")
    with pytest.raises(lc.WrongStatus, match="revoke it instead"):
        lc.may_delete("admin", "granted")


def test_allowed_actions_for_buttons():
    assert lc.allowed_actions("granted", "province_staff") == ["suspend", "revoke", "renew"]
    assert lc.allowed_actions("draft", "commune_staff") == ["submit"]
    assert lc.allowed_actions("inspected", "commune_staff") == []
