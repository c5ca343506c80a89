"""Writing reply drafts and plans from the mail, its triage and the handbook (pure text work)."""

from __future__ import annotations

import re
from decimal import Decimal

from employee.brain.facts import Draft, InvoiceRequest, MailFacts, Triage
from employee.brain.handbook import Handbook

__all__ = ["first_name", "key_sentences", "plan_markdown", "reply_body", "reply_draft"]

_MAX_NAME = 40
_MAX_QUOTE = 400
_MAX_SUBJECT = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_QUOTE_HEADER = re.compile(r"^On .{0,200} wrote:\s*$", re.MULTILINE)
_GREETING = re.compile(r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^\n]*$", re.I)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:") + "…"


def first_name(from_name: str, from_addr: str) -> str | None:
    """The sender's first name: "Jane Doe" → Jane, "Doe, Jane" → Jane, jane.doe@x → Jane."""
    name = _clean(from_name).strip("\"' ")
    if name and "@" not in name:
        if "," in name:
            name = name.split(",", 1)[1].strip() or name.split(",", 1)[0]
        parts = [p for p in name.split() if p.rstrip(".").lower() not in ("mr", "mrs", "ms", "dr")]
        if parts and any(c.isalpha() for c in parts[0]):
            return _clip(parts[0], _MAX_NAME)
    local = from_addr.partition("@")[0]
    token = re.split(r"[._+-]", local, maxsplit=1)[0]
    generic = {"info", "admin", "support", "sales", "noreply", "no", "contact", "office", "hello"}
    if token.isalpha() and 2 <= len(token) <= _MAX_NAME and token.lower() not in generic:
        return token.capitalize()
    return None


def _own_text(body: str) -> str:
    """The sender's own words: no quoted history, no signature."""
    kept: list[str] = []
    for line in body.splitlines():
        if line.rstrip() == "--" or _QUOTE_HEADER.match(line):
            break
        if line.startswith(">"):
            continue
        if not any(k.strip() for k in kept) and _GREETING.match(line.strip()):
            continue
        kept.append(line)
    return "\n".join(kept)


def key_sentences(body: str) -> tuple[list[str], str | None]:
    """The first question sentence(s) of the body, and its first sentence as a fallback."""
    own = _own_text(body[:20_000])
    sentences = [_clean(s) for s in _SENTENCE_END.split(own)]
    sentences = [s for s in sentences if len(s) > 2]
    questions = [s for s in sentences if s.endswith("?")][:2]
    return questions, (sentences[0] if sentences else None)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _invoice_step(invoice: InvoiceRequest, to: str) -> str:
    if invoice.needs_human_input or invoice.total is None:
        return (
            "To prepare the invoice correctly, could you please confirm the items, quantities and "
            "unit prices (and the currency) you would like invoiced? I will send it as soon as I "
            "have them."
        )
    items = "; ".join(
        f"{_money(line.quantity).rstrip('0').rstrip('.')} x {_clip(_clean(line.description), 80)}"
        f" at {_money(line.unit_price or Decimal(0))} {invoice.currency}"
        for line in invoice.lines[:10]
    )
    return (
        f"I am preparing the invoice for {items} (total {_money(invoice.total)} "
        f"{invoice.currency}). Once it has been checked, I will send it to {to}."
    )


def reply_body(mail: MailFacts, triage: Triage, handbook: Handbook, max_chars: int) -> str:
    """The reply's text: greeting, acknowledgement of the request, next step, signature."""
    name = first_name(mail.from_name, mail.from_addr)
    formal = handbook.tone == "formal"
    if name:
        greeting = f"Dear {name}," if formal else f"Hi {name},"
    else:
        greeting = "Hello," if formal else "Hi there,"
    subject = _clip(_clean(mail.subject), 120)
    about = f' about "{subject}"' if subject else ""
    thanks = f"Thank you for your message{about}." if formal else f"Thanks for your email{about}."
    paragraphs = [greeting, thanks]
    questions, first = key_sentences(mail.body_text)
    if questions:
        quoted = _clip(" ".join(questions), _MAX_QUOTE)
        paragraphs.append(f'You asked: "{quoted}"')
    elif first:
        paragraphs.append(f'You wrote: "{_clip(first, _MAX_QUOTE)}"')
    if triage.priority == "high":
        paragraphs.append("I understand this is urgent, so it is at the top of my list today.")
    if triage.category == "invoice_request" and triage.invoice is not None:
        paragraphs.append(_invoice_step(triage.invoice, _clip(mail.from_addr, 120)))
    elif questions:
        paragraphs.append(
            "I am looking into this now and will come back to you with a full answer within "
            "one business day."
        )
    else:
        paragraphs.append(
            "I have noted this and will follow up with you within one business day; just reply "
            "to this email if anything changes in the meantime."
        )
    paragraphs.append(handbook.sign_off())
    body = "\n\n".join(paragraphs) + "\n"
    return body if len(body) <= max_chars else _clip(body, max_chars - 1) + "\n"


def _reply_subject(subject: str) -> str:
    core = _clean(subject)
    while re.match(r"^(?:re|aw|sv)\s*:\s*", core, re.IGNORECASE):
        core = re.sub(r"^(?:re|aw|sv)\s*:\s*", "", core, count=1, flags=re.IGNORECASE)
    return _clip(f"Re: {core}" if core else "Re: your message", _MAX_SUBJECT)


def reply_draft(mail: MailFacts, triage: Triage, handbook: Handbook, max_chars: int) -> Draft:
    """A threaded reply (single "Re:", In-Reply-To the parent, References the chain + parent)."""
    recipient = mail.reply_to if mail.reply_to and triage.category != "spam" else mail.from_addr
    parent = mail.message_id.strip() or None
    chain = list(mail.references) or ([mail.in_reply_to] if mail.in_reply_to else [])
    references = tuple([*chain, parent] if parent and parent not in chain else chain)
    return Draft(
        to=(recipient,),
        subject=_reply_subject(mail.subject),
        body=reply_body(mail, triage, handbook, max_chars),
        in_reply_to=parent,
        references=references,
    )


def plan_markdown(mail: MailFacts, triage: Triage) -> str:
    """A Markdown checklist for ``Plans/``: what was decided and the steps left."""
    subject = _clip(_clean(mail.subject), 120) or "(no subject)"
    sender = _clip(_clean(mail.from_addr), 120)
    lines = [
        f"# Plan: {subject}",
        "",
        f"- From: {sender}",
        f"- Category: {triage.category} (priority {triage.priority})",
        f"- Why: {'; '.join(_clip(_clean(r), 160) for r in triage.reasons)}",
        "",
        "## Steps",
        "",
        "- [x] Triage the message",
    ]
    if triage.escalation:
        lines.append(f"- [ ] Escalate to the owner ({triage.escalation}); no draft reply")
    elif triage.category == "invoice_request":
        invoice = triage.invoice
        if invoice is None or invoice.needs_human_input:
            lines.append("- [ ] Ask the sender for the missing quantities, prices or currency")
        else:
            lines.append(f"- [ ] Create a draft invoice in Odoo ({len(invoice.lines)} line(s))")
        lines += [
            "- [ ] Draft a reply confirming the next step",
            "- [ ] Wait for approval of the reply",
            "- [ ] Send the reply (Local, after approval)",
        ]
    elif triage.category == "payment_notice" and triage.payment is not None:
        lines += [
            f"- [ ] Look up invoice {triage.payment.invoice_ref} in Odoo (read only)",
            "- [ ] Ask the owner to approve registering the payment",
            "- [ ] Register the payment in Odoo (Local, after approval)",
        ]
    elif triage.wants_reply:
        lines += [
            "- [ ] Draft a reply that answers the request",
            "- [ ] Wait for approval of the reply",
            "- [ ] Send the reply (Local, after approval)",
        ]
    else:
        lines.append(f"- [ ] Archive: {triage.category}, no reply")
    return "\n".join(lines) + "\n"
