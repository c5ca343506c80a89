"""The Cloud's drafting policy: triage mail, draft replies, plans and social posts.

``RulesPolicy`` is pure and deterministic; an LLM policy can implement ``Policy`` later.
"""

from __future__ import annotations

from employee.brain.facts import (
    Category,
    Draft,
    InvoiceLine,
    InvoiceRequest,
    MailFacts,
    PostDraft,
    PostRequest,
    Priority,
    Triage,
    header_map,
    rule_headers,
)
from employee.brain.handbook import Handbook, Tone
from employee.brain.payment import PaymentNotice, parse_payment_notice
from employee.brain.policy import Policy, RulesPolicy
from employee.brain.posts import PostRequestError
from employee.brain.rules import RulesConfig

__all__ = [
    "Category",
    "Draft",
    "Handbook",
    "InvoiceLine",
    "InvoiceRequest",
    "MailFacts",
    "PaymentNotice",
    "Policy",
    "PostDraft",
    "PostRequest",
    "PostRequestError",
    "Priority",
    "RulesConfig",
    "RulesPolicy",
    "Tone",
    "Triage",
    "header_map",
    "parse_payment_notice",
    "rule_headers",
]
