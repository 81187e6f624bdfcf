"""`perform` (common/actions.py): the one way an office action shows a refusal or its success."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from residanat.common.actions import Refusal, perform


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def texts(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def refuse(*reasons):
    raise Refusal(list(reasons))


def test_a_refusal_shows_every_reason_and_is_false(request_):
    outcome = perform(request_, refuse, "Période close.", "Places non arrêtées.", success="Fait.")
    assert not outcome and outcome.result is None
    assert texts(request_) == [("error", "Période close."), ("error", "Places non arrêtées.")]


def test_a_refusal_goes_on_the_form_when_the_page_shows_it_again(request_):
    form = forms.Form(data={})
    assert form.is_valid()
    assert not perform(request_, refuse, "Vœux clos.", form=form)
    assert form.non_field_errors() == ["Vœux clos."]
    assert texts(request_) == []


def test_success_shows_its_text_made_from_the_result(request_):
    outcome = perform(request_, lambda a, b=0: a + b, 2, b=3, success=lambda total: f"{total} placés.")
    assert outcome and outcome.result == 5
    assert texts(request_) == [("success", "5 placés.")]


def test_permission_denied_is_not_a_refusal(request_):
    def forbidden():
        raise PermissionDenied
    with pytest.raises(PermissionDenied):
        perform(request_, forbidden, success="Fait.")
    assert texts(request_) == []


def test_a_reason_about_a_field_goes_beside_it_and_one_about_an_unknown_field_above_the_form(request_):
    class ReasonForm(forms.Form):
        reason = forms.CharField(required=False)

    form = ReasonForm(data={"reason": ""})
    assert form.is_valid()
    def withdraw():
        raise Refusal({"reason": "Indiquez le motif.", "email": "Courriel requis."})

    assert not perform(request_, withdraw, form=form)
    assert form.errors["reason"] == ["Indiquez le motif."]
    assert form.non_field_errors() == ["Courriel requis."]
    assert texts(request_) == []


def test_a_quiet_refusal_is_shown_by_the_caller_from_its_reason(request_):
    outcome = perform(request_, refuse, "Séance close.", "Lauréat déjà servi.", quiet=True)
    assert not outcome and outcome.reason == "Séance close. Lauréat déjà servi."
    assert outcome.refusal.messages == ["Séance close.", "Lauréat déjà servi."]
    assert texts(request_) == []
