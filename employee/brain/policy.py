"""The drafting policy interface and its deterministic, rule-based implementation."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from employee.brain.facts import Draft, MailFacts, PostDraft, PostRequest, Triage
from employee.brain.handbook import Handbook
from employee.brain.posts import post_draft
from employee.brain.reply import plan_markdown, reply_draft
from employee.brain.rules import RulesConfig, triage_mail

__all__ = ["Policy", "RulesPolicy"]


@runtime_checkable
class Policy(Protocol):
    """What the Cloud agent asks of a drafting policy (rules today, an LLM later)."""

    def triage(self, mail: MailFacts, handbook: Handbook) -> Triage:
        """Classify one mail and say why."""
        ...

    def draft_reply(self, mail: MailFacts, triage: Triage, handbook: Handbook) -> Draft | None:
        """A reply draft, or None when the triage says no reply (newsletter, spam)."""
        ...

    def plan(self, mail: MailFacts, triage: Triage) -> str:
        """A Markdown checklist for ``Plans/<domain>/``."""
        ...

    def draft_post(self, request: PostRequest, handbook: Handbook) -> PostDraft:
        """A social post within the request's length limit."""
        ...


class RulesPolicy:
    """Keyword and header rules; pure and deterministic (same input, same output)."""

    def __init__(self, config: RulesConfig | None = None) -> None:
        self.config = config or RulesConfig()

    def triage(self, mail: MailFacts, handbook: Handbook) -> Triage:
        """Spam, then newsletter, then invoice request, otherwise reply_needed."""
        return triage_mail(mail, handbook, self.config)

    def draft_reply(self, mail: MailFacts, triage: Triage, handbook: Handbook) -> Draft | None:
        """A threaded reply for reply_needed and invoice_request; None otherwise."""
        if not triage.wants_reply:
            return None
        return reply_draft(mail, triage, handbook, self.config.max_reply_chars)

    def plan(self, mail: MailFacts, triage: Triage) -> str:
        """A Markdown checklist for ``Plans/``."""
        return plan_markdown(mail, triage)

    def draft_post(self, request: PostRequest, handbook: Handbook) -> PostDraft:
        """Compose a post that fits ``request.max_chars``."""
        return post_draft(request, handbook)
