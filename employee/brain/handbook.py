"""Reading ``Company_Handbook.md``: the human's rules for tone, signature, VIPs and urgency.

The format is plain Markdown with level-2 headings; every section is optional and a
missing one takes the default shown in brackets. Headings match loosely ("## Tone of
voice" is the tone section, "## Rules of Engagement" the rules section)::

    ## Company
    Name: Acme Consulting Ltd        [no company name]
    Owner: Jane Smith                [no owner name]
    Currency: EUR                    [EUR]

    ## Tone
    formal                           [formal; "friendly", "informal" or "casual" for friendly]

    ## Signature
    Kind regards,                    [the sign-off for the tone, then owner and company]
    Jane Smith

    ## VIP senders
    - ceo@bigclient.example          [none; "@domain" or a bare domain matches a whole domain]

    ## Urgent words
    - urgent                         [urgent, asap, immediately, emergency, deadline today]

    ## Rules                         (also "## Approval rules", "## Boundaries", "## Policies")
    - Always be polite.              [none; kept as text for the plan and for an LLM policy]

A signature section may introduce its block with a sentence; a fenced or indented block
inside it is then the signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["DEFAULT_URGENT_WORDS", "Handbook", "Tone"]

Tone = Literal["formal", "friendly"]

DEFAULT_URGENT_WORDS: tuple[str, ...] = (
    "urgent",
    "asap",
    "as soon as possible",
    "immediately",
    "emergency",
    "deadline today",
)

_MAX_INPUT = 200_000
_MAX_SIGNATURE_LINES = 12
_MAX_SIGNATURE_CHARS = 600
_MAX_ITEMS = 200
_MAX_ITEM_CHARS = 300

_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_KEY_VALUE = re.compile(r"^\s*(?:[-*+]\s+)?\**([A-Za-z][A-Za-z ]{0,30}?)\**\s*:\s*\**\s*(.+?)\s*$")
_EMAIL_OR_DOMAIN = re.compile(r"@?[A-Za-z0-9._%+-]*@?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _sections(markdown: str) -> dict[str, str]:
    """Map each normalised level-2 heading to the text under it (first occurrence wins)."""
    text = _COMMENT.sub("", _CONTROL.sub("", markdown[:_MAX_INPUT]))
    sections: dict[str, str] = {}
    matches = list(_HEADING.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        name = re.sub(r"[^a-z ]", "", match.group(1).lower()).strip()
        sections.setdefault(name, text[match.end() : end].strip("\n"))
    return sections


def _find(sections: dict[str, str], *keywords: str) -> str | None:
    for name, body in sections.items():
        if any(keyword in name for keyword in keywords):
            return body
    return None


def _find_all(sections: dict[str, str], *keywords: str) -> str:
    return "\n".join(b for n, b in sections.items() if any(k in n for k in keywords))


def _items(body: str | None) -> tuple[str, ...]:
    """Bullet items of a section, continuation lines joined (or its lines when no bullets)."""
    if not body:
        return ()
    lines = [line for line in body.splitlines() if line.strip() and not line.startswith("```")]
    bullets: list[str] = []
    for line in lines:
        match = _BULLET.match(line)
        if match:
            bullets.append(match.group(1).strip())
        elif bullets and line[:1].isspace():
            bullets[-1] = f"{bullets[-1]} {line.strip()}"
    chosen = bullets if bullets else [line.strip() for line in lines]
    cleaned = (item.replace("`", "").replace("[[", "").replace("]]", "").strip() for item in chosen)
    return tuple(item[:_MAX_ITEM_CHARS] for item in cleaned if item)[:_MAX_ITEMS]


def _tone(body: str | None) -> Tone:
    if body:
        match = re.search(r"\b(formal|friendly|informal|casual|warm|relaxed)\b", body.lower())
        if match:
            return "formal" if match.group(1) == "formal" else "friendly"
    return "formal"


def _signature(body: str | None) -> str | None:
    """A fenced or indented block if the section has one (text around it is an intro),
    otherwise the whole section."""
    if not body:
        return None
    fenced = re.search(r"^```[^\n]*\n(.*?)^```", body, re.MULTILINE | re.DOTALL)
    lines = body.strip("\n").splitlines()
    indented = [line for line in lines if line.startswith(("    ", "\t"))]
    if fenced:
        lines = fenced.group(1).splitlines()
    elif indented and len(indented) < len(lines):
        start = lines.index(indented[0])
        block: list[str] = []
        for line in lines[start:]:
            if line.strip() and not line.startswith(("    ", "\t")):
                break
            block.append(line[4:] if line.startswith("    ") else line.lstrip("\t"))
        lines = block
    lines = [line.rstrip() for line in lines if not line.startswith("```")]
    signature = "\n".join(lines[:_MAX_SIGNATURE_LINES]).strip()[:_MAX_SIGNATURE_CHARS]
    return signature or None


def _vip(items: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for item in items:
        angle = re.search(r"<([^>]+)>", item)
        candidate = angle.group(1) if angle else item
        match = _EMAIL_OR_DOMAIN.search(candidate)
        if match:
            found.append(match.group(0).lower().strip("."))
    return tuple(found)


@dataclass(frozen=True)
class Handbook:
    """The parsed handbook; build it with :meth:`parse` (or :meth:`default`)."""

    tone: Tone = "formal"
    signature: str | None = None
    company_name: str | None = None
    owner_name: str | None = None
    currency: str = "EUR"
    vip_senders: tuple[str, ...] = ()
    urgent_words: tuple[str, ...] = DEFAULT_URGENT_WORDS
    rules: tuple[str, ...] = ()

    @classmethod
    def parse(cls, markdown: str) -> Handbook:
        """Read a handbook; missing or malformed sections fall back to the defaults."""
        sections = _sections(markdown)
        company: dict[str, str] = {}
        for line in (_find(sections, "company", "about", "business") or "").splitlines():
            match = _KEY_VALUE.match(line)
            if match:
                company.setdefault(match.group(1).strip().lower(), match.group(2).strip("* "))
        currency = company.get("currency", "").upper()
        urgent = tuple(word.lower() for word in _items(_find(sections, "urgent", "urgency")))
        return cls(
            tone=_tone(_find(sections, "tone", "voice", "style")),
            signature=_signature(_find(sections, "signature", "sign off", "signoff")),
            company_name=(company.get("name") or company.get("company") or None),
            owner_name=(company.get("owner") or company.get("contact") or None),
            currency=currency if _CURRENCY.match(currency) else "EUR",
            vip_senders=_vip(_items(_find(sections, "vip", "key client", "important sender"))),
            urgent_words=urgent or DEFAULT_URGENT_WORDS,
            rules=_items(_find_all(sections, "rule", "boundar", "engagement", "polic")),
        )

    @classmethod
    def default(cls) -> Handbook:
        """The handbook an empty file yields."""
        return cls.parse("")

    def is_vip(self, address: str) -> bool:
        """True when ``address`` is a listed VIP or belongs to a listed VIP domain."""
        address = address.strip().lower()
        domain = address.rpartition("@")[2]
        for entry in self.vip_senders:
            if "@" in entry.lstrip("@"):
                if address == entry:
                    return True
            elif domain == entry.lstrip("@") or domain.endswith("." + entry.lstrip("@")):
                return True
        return False

    def sign_off(self) -> str:
        """The closing block: the handbook's signature, or one built from tone and names."""
        if self.signature:
            return self.signature
        closing = "Kind regards," if self.tone == "formal" else "Best wishes,"
        names = [name for name in (self.owner_name, self.company_name) if name]
        return "\n".join([closing, *names])
