"""Pure text rules for untrusted mail content: header cleaning, ids, file names, HTML to text."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

__all__ = [
    "clean_header_text",
    "html_to_text",
    "normalise_message_id",
    "safe_attachment_name",
    "split_message_ids",
]

_MSGID = re.compile(r"<[^<>\s\"\\]{1,990}>")
_BARE_MSGID = re.compile(r"[^<>\s\"\\@]{1,500}@[^<>\s\"\\@]{1,480}")
_SAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._ -]+")
_WS = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})


def _is_unsafe_char(ch: str) -> bool:
    # Cc: C0/C1 controls incl. NUL, CR, LF, TAB; Zl/Zp: U+2028/U+2029; Cf: bidi overrides etc.
    return unicodedata.category(ch) in {"Cc", "Zl", "Zp", "Cf", "Cs", "Co", "Cn"} or ch in "\x85"


def clean_header_text(value: str, max_chars: int = 998) -> str:
    """Replace every control/line-separator character with a space, collapse runs, trim, cap."""
    cleaned = "".join(" " if _is_unsafe_char(ch) else ch for ch in value[: max_chars * 4])
    return _WS.sub(" ", cleaned).strip()[:max_chars].rstrip()


def normalise_message_id(value: str | None) -> str | None:
    """Return ``<id@host>`` if ``value`` holds a well-formed Message-ID, else ``None``."""
    if not value:
        return None
    text = clean_header_text(value, 1000)
    found = _MSGID.search(text)
    if found:
        return found.group(0)
    bare = _BARE_MSGID.fullmatch(text)
    return f"<{bare.group(0)}>" if bare else None


def split_message_ids(value: str | None, limit: int = 100) -> tuple[str, ...]:
    """The well-formed ``<...>`` ids of a References/In-Reply-To value, in order, capped."""
    if not value:
        return ()
    ids: list[str] = []
    for found in _MSGID.finditer(clean_header_text(value, 100_000)):
        ids.append(found.group(0))
        if len(ids) >= limit:
            break
    return tuple(ids)


def safe_attachment_name(name: str | None, max_chars: int = 100) -> str:
    """A basename made only of ``[A-Za-z0-9._ -]``: never a path, never hidden, never empty."""
    if not name:
        return "attachment"
    text = clean_header_text(name, 1000)
    text = re.split(r"[/\\]", text)[-1]
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _SAFE_NAME_CHARS.sub("_", text)
    text = _WS.sub(" ", text).strip(" .")
    if len(text) > max_chars:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: max_chars - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else text
        text = text[:max_chars]
    return text or "attachment"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """A crude, linear HTML to text conversion: tags dropped, blocks become line breaks."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
