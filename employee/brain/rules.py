"""Triage rules as pure functions over MailFacts: newsletter, spam, invoice request, urgency."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from employee.brain.facts import Category, MailFacts, Priority, Triage
from employee.brain.handbook import Handbook
from employee.brain.invoice import (
    is_incoming_bill,
    mentions_invoice_request,
    parse_invoice_request,
)
from employee.brain.payment import parse_payment_notice

__all__ = [
    "RulesConfig",
    "escalation_reason",
    "newsletter_reasons",
    "spam_reasons",
    "triage_mail",
    "urgency_reasons",
]

_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


@dataclass(frozen=True)
class RulesConfig:
    """Tunable word lists and thresholds for :class:`RulesPolicy`."""

    spam_phrases: tuple[str, ...] = (
        "you won",
        "you have won",
        "you've won",
        "claim your prize",
        "lottery",
        "winner",
        "inheritance",
        "wire the fee",
        "verify your account",
        "crypto giveaway",
        "100% free",
        "act now",
    )
    shorteners: tuple[str, ...] = ("bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd")
    escalations: tuple[tuple[str, str], ...] = (
        ("legal matter", r"\b(?:legal action|lawsuit|litigation|solicitor|attorney|lawyer|sue)\b"),
        ("complaint", r"\b(?:complaint|complain(?:ing)?|grievance)\b"),
        (
            "data request",
            r"\b(?:gdpr|subject access request|data (?:subject |access |deletion )?request"
            r"|delete (?:my|our) (?:personal )?data)\b",
        ),
        (
            "possible fraud: change of bank details",
            r"\b(?:change|changed|update|updated|new)\b[^.\n]{0,40}\b(?:bank details|bank account"
            r"|iban|account number|payment (?:details|instructions))\b",
        ),
    )
    spam_threshold: int = 2
    bulk_precedence: tuple[str, ...] = ("bulk", "list", "junk")
    max_scan_chars: int = 20_000
    max_reply_chars: int = 3_000


def _domain(address: str) -> str:
    return address.strip().strip("<>").rpartition("@")[2].lower()


def _suspicious_link(url: str, shorteners: tuple[str, ...]) -> str | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "malformed link"
    if "@" in parts.netloc:
        return "link with credentials in the host"
    if host.startswith("xn--") or ".xn--" in host:
        return "punycode link"
    if host in shorteners:
        return "shortened link"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return "link to a bare IP address"


def spam_reasons(mail: MailFacts, config: RulesConfig) -> tuple[int, list[str]]:
    """Score the spam heuristics; returns the score and the reasons that fired."""
    text = f"{mail.subject}\n{mail.body_text[: config.max_scan_chars]}".lower()
    score = 0
    reasons: list[str] = []
    phrase = next((p for p in config.spam_phrases if re.search(rf"\b{re.escape(p)}\b", text)), None)
    if phrase:
        score += 2
        reasons.append(f"spam phrase {phrase!r}")
    for url in _URL.findall(mail.body_text[: config.max_scan_chars]):
        why = _suspicious_link(url, config.shorteners)
        if why:
            score += 1
            reasons.append(f"suspicious link: {why}")
            break
    letters = [c for c in mail.subject if c.isalpha()]
    if len(letters) >= 8 and all(c.isupper() for c in letters):
        score += 1
        reasons.append("all-caps subject")
    if mail.reply_to and _domain(mail.reply_to) != _domain(mail.from_addr):
        score += 1
        reasons.append("Reply-To domain differs from From domain")
    return score, reasons


def newsletter_reasons(mail: MailFacts, config: RulesConfig) -> list[str]:
    """Bulk-mail markers: List-Unsubscribe, List-Id, Precedence: bulk/list/junk."""
    reasons: list[str] = []
    if mail.header("list-unsubscribe"):
        reasons.append("List-Unsubscribe header")
    if mail.header("list-id"):
        reasons.append("List-Id header")
    precedence = (mail.header("precedence") or "").strip().lower()
    if precedence in config.bulk_precedence:
        reasons.append(f"Precedence: {precedence}")
    return reasons


def urgency_reasons(mail: MailFacts, handbook: Handbook, config: RulesConfig) -> list[str]:
    """High-priority markers: a VIP sender, urgent words in subject or body."""
    reasons: list[str] = []
    if handbook.is_vip(mail.from_addr):
        reasons.append("VIP sender (handbook)")
    text = f"{mail.subject}\n{mail.body_text[: config.max_scan_chars]}".lower()
    word = next(
        (w for w in handbook.urgent_words if w and re.search(rf"\b{re.escape(w)}\b", text)), None
    )
    if word:
        reasons.append(f"urgent word {word!r}")
    return reasons


def escalation_reason(mail: MailFacts, config: RulesConfig) -> str | None:
    """The first escalation (legal, complaint, data request, fraud) the text triggers."""
    text = f"{mail.subject}\n{mail.body_text[: config.max_scan_chars]}"
    for label, pattern in config.escalations:
        if re.search(pattern, text, re.IGNORECASE):
            return label
    return None


def _partner_name(mail: MailFacts) -> str:
    name = mail.from_name.strip().strip('"')
    return name or mail.from_addr.partition("@")[0]


def triage_mail(mail: MailFacts, handbook: Handbook, config: RulesConfig) -> Triage:
    """Apply the rules in order: spam, newsletter, payment notice, invoice request, reply."""
    vip = handbook.is_vip(mail.from_addr)
    score, spam = spam_reasons(mail, config)
    if not vip and score >= config.spam_threshold:
        return Triage("spam", "low", (*spam, "spam gets no reply draft"))
    bulk = newsletter_reasons(mail, config)
    if bulk and not vip:
        return Triage("newsletter", "low", (*bulk, "newsletters get no reply draft"))
    urgent = urgency_reasons(mail, handbook, config)
    escalation = escalation_reason(mail, config)
    if escalation:
        urgent.append(f"escalate to the owner: {escalation} (handbook: no draft reply)")
    priority: Priority = "high" if urgent else "normal"
    text = f"{mail.subject}\n{mail.body_text[: config.max_scan_chars]}"
    category: Category = "reply_needed"
    reasons = [*bulk, *urgent]
    if spam:
        reasons.append(f"spam score {score} below threshold {config.spam_threshold}")
    notice = parse_payment_notice(mail.subject, mail.body_text[: config.max_scan_chars])
    if notice is not None:
        reasons.append(f"payment notice for invoice {notice.invoice_ref}")
        if escalation is None:
            reasons.append("a payment registration needs the owner's approval")
        return Triage("payment_notice", priority, tuple(reasons), None, escalation, notice)
    if is_incoming_bill(text):
        reasons.append("incoming bill (an invoice addressed to us): reply, do not invoice")
    elif mentions_invoice_request(text):
        request, invoice_reasons = parse_invoice_request(
            mail.body_text[: config.max_scan_chars],
            mail.subject,
            _partner_name(mail),
            mail.from_addr,
            handbook.currency,
        )
        reasons.extend(["invoice request keyword", *invoice_reasons])
        return Triage("invoice_request", priority, tuple(reasons), request, escalation)
    if not reasons:
        reasons.append("no rule matched: personal mail needs a reply")
    return Triage(category, priority, tuple(reasons), None, escalation)
