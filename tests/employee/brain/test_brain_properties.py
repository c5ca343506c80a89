"""Hypothesis: any mail text triages without error and yields a bounded, signed draft."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from employee.brain import Handbook, MailFacts, PostRequest, RulesConfig, RulesPolicy

POLICY = RulesPolicy()
HB = Handbook.parse("## Signature\nRegards,\nAcme\n")


@given(subject=st.text(max_size=300), body=st.text(max_size=5000), name=st.text(max_size=80))
def test_any_mail_gives_bounded_draft(
    mail: Callable[..., MailFacts], subject: str, body: str, name: str
) -> None:
    m = mail(subject=subject, body_text=body, from_name=name)
    triage = POLICY.triage(m, HB)
    assert triage.reasons
    draft = POLICY.draft_reply(m, triage, HB)
    plan = POLICY.plan(m, triage)
    assert len(plan) < 5_000
    if triage.wants_reply:
        assert draft is not None
        assert len(draft.body) <= RulesConfig().max_reply_chars
        assert len(draft.subject) <= 200
        assert "\n" not in draft.subject
        assert draft.body.rstrip().endswith("Regards,\nAcme") or len(draft.body) >= 2_000
    else:
        assert draft is None


@given(text=st.text(max_size=2000))
def test_any_handbook_parses(text: str) -> None:
    hb = Handbook.parse(text)
    assert hb.tone in ("formal", "friendly")
    assert len(hb.sign_off()) <= 700


@given(
    topic=st.text(min_size=1, max_size=400).filter(lambda t: t.strip() != ""),
    points=st.lists(st.text(max_size=200), max_size=5),
    limit=st.integers(min_value=20, max_value=500),
)
def test_any_post_fits(topic: str, points: list[str], limit: int) -> None:
    try:
        draft = POLICY.draft_post(PostRequest(topic, tuple(points), max_chars=limit), HB)
    except ValueError:
        return  # topic made only of control characters: refused with a clear error
    assert 0 < len(draft.text) <= limit


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    "body",
    [
        "http://" + "a" * 20_000,
        "1 x " * 5_000,
        "invoice " + "1,000,000,000 " * 1_400,
        "please invoice 3 x " + "a " * 10_000 + " at 5 EUR",
        "?" * 20_000,
        ">" * 20_000,
    ],
)
def test_pathological_bodies_stay_linear(mail: Callable[..., MailFacts], body: str) -> None:
    # guards against regex backtracking blow-ups (each case ran for seconds before a fix)
    for _ in range(5):
        m = mail(subject="invoice", body_text=body)
        triage = POLICY.triage(m, HB)
        POLICY.draft_reply(m, triage, HB)
