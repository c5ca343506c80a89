"""Linear scans of raw message bytes, run before ``email`` parses anything.

The stdlib parser has no limits: a 280 KB subject of encoded-words costs gigabytes, a 50k
``To:`` list is quadratic, deep multipart nesting raises ``RecursionError`` and 100k parts
take many seconds. These checks bound all of that with one pass over the bytes and no
recursion; each returns a human-readable refusal reason, or ``None`` when the message is fine.
"""

from __future__ import annotations

import re

from employee.mail.model import MailLimits

__all__ = ["check_raw", "header_block", "peek_message_id", "unfold_headers"]

_ADDRESS_HEADERS = frozenset(
    {
        b"from",
        b"sender",
        b"reply-to",
        b"to",
        b"cc",
        b"bcc",
        b"resent-from",
        b"resent-sender",
        b"resent-to",
        b"resent-cc",
        b"resent-bcc",
    }
)
#: Headers ``policy.default`` parses structurally (slow on long values); addresses aside.
_STRUCTURED_HEADERS = frozenset(
    {
        b"content-type",
        b"content-disposition",
        b"content-transfer-encoding",
        b"message-id",
        b"mime-version",
        b"date",
        b"resent-date",
        b"resent-message-id",
    }
)
_RECIPIENT_HEADERS = frozenset({b"to", b"cc"})
_BOUNDARY = re.compile(rb"""boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))""", re.I)
_MSGID_LINE = re.compile(rb"^message-id:[ \t]*(<[^<>\s\"\\]{1,990}>)", re.I | re.M)
_ENCODED_WORD = b"=?"
#: Per-character caps for Content-*, Message-ID, Date: a few parameters, never hundreds.
_STRUCTURED_CAPS = {
    b";": 32,
    b'"': 64,
    b"(": 20,
    b"\\": 32,
    b",": 32,
    b"<": 8,
    b"[": 8,
    b":": 8,
    b"=": 48,
    b".": 64,
}
_STRUCTURED_WORDS = 64


def header_block(raw: bytes) -> bytes:
    """The bytes before the first empty line (the whole message when there is none)."""
    if raw.startswith((b"\r\n", b"\n")):
        return b""
    cut = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    return raw[: min(cut)] if cut else raw


def unfold_headers(block: bytes) -> list[tuple[bytes, bytes]]:
    """``(lower-case name, unfolded value)`` pairs; continuation lines join their header."""
    headers: list[tuple[bytes, bytes]] = []
    for line in block.split(b"\n"):
        line = line.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip())
            continue
        name, colon, value = line.partition(b":")
        if colon:
            headers.append((name.strip().lower(), value.strip()))
        elif line:
            headers.append((b"", line))
    return headers


def peek_message_id(raw: bytes) -> str | None:
    """The Message-ID found by a cheap regex over the header block, if any."""
    found = _MSGID_LINE.search(header_block(raw[: 512 * 1024]))
    return found.group(1).decode("ascii", "replace") if found else None


def _header_problem(name: bytes, value: bytes, limits: MailLimits) -> str | None:
    """Why one unfolded header is refused, or ``None``."""
    shown = name.decode("ascii", "replace")[:40] or "(unnamed)"
    if name in _ADDRESS_HEADERS:
        cap = limits.max_address_header_bytes
    elif name in _STRUCTURED_HEADERS:
        cap = limits.max_structured_header_bytes
    else:
        cap = limits.max_header_bytes
    if len(value) > cap:
        return f"header {shown!r} too long ({len(value)} > {cap} bytes)"
    words = value.count(_ENCODED_WORD)
    if words > limits.max_encoded_words:
        return f"header {shown!r} has too many encoded-words ({words})"
    if name in _ADDRESS_HEADERS:
        caps = _address_caps(limits)
        most_words = 4 * (limits.max_recipients + 10)
    elif name in _STRUCTURED_HEADERS:
        caps = _STRUCTURED_CAPS
        most_words = _STRUCTURED_WORDS
    else:
        return None
    words = len(value.split())
    if words > most_words:
        return f"header {shown!r} has too many words ({words} > {most_words})"
    for char, most in caps.items():
        if value.count(char) > most:
            return f"header {shown!r} has too many {char.decode()!r} ({value.count(char)} > {most})"
    return None


def _address_caps(limits: MailLimits) -> dict[bytes, int]:
    items = limits.max_recipients + 10
    few = limits.max_comments_per_header
    return {
        b",": items,
        b"<": items,
        b"@": items,
        b".": 4 * items,
        b'"': 2 * items,
        b"(": few,
        b"\\": few,
        b"[": few,
        b":": few,
        b";": few,
    }


def _check_headers(headers: list[tuple[bytes, bytes]], limits: MailLimits) -> str | None:
    if len(headers) > limits.max_headers:
        return f"too many header fields ({len(headers)} > {limits.max_headers})"
    recipients = 0
    for name, value in headers:
        problem = _header_problem(name, value, limits)
        if problem:
            return problem
        if name in _RECIPIENT_HEADERS:
            recipients += value.count(b"@")
    if recipients > limits.max_recipients:
        return f"too many recipients ({recipients} > {limits.max_recipients})"
    return None


def _part_header_info(headers: list[tuple[bytes, bytes]]) -> tuple[bytes | None, bool]:
    """(multipart boundary or None, is message/* container) from one part's headers."""
    for name, value in headers:
        if name != b"content-type":
            continue
        kind = value.split(b";", 1)[0].strip().lower()
        if kind.startswith(b"multipart/"):
            found = _BOUNDARY.search(value)
            return ((found.group(1) or found.group(2)) if found else None), False
        return None, kind in (b"message/rfc822", b"message/global")
    return None, False


def _check_structure(raw: bytes, limits: MailLimits) -> str | None:
    """Walk the MIME tree with an explicit stack (no recursion); bound depth and part count."""
    stack: list[bytes | None] = []  # boundaries; None marks an embedded message/* level
    in_headers = True
    pending: list[bytes] = []
    parts = 0
    for line in raw.split(b"\n"):
        line = line.rstrip(b"\r")
        if in_headers:
            if line:
                pending.append(line)
                if len(pending) > limits.max_headers:
                    return "too many header lines in a MIME part"
                continue
            part_headers = unfold_headers(b"\n".join(pending))
            pending = []
            if stack:  # the top-level headers were checked already
                for name, value in part_headers:
                    problem = _header_problem(name, value, limits)
                    if problem:
                        return f"MIME part: {problem}"
            boundary, is_message = _part_header_info(part_headers)
            if boundary is not None:
                stack.append(boundary)
                in_headers = False
            elif is_message:
                stack.append(None)  # the embedded message's own headers follow
            else:
                in_headers = False
            if len(stack) > limits.max_mime_depth:
                return f"MIME nesting too deep (> {limits.max_mime_depth})"
            continue
        if not stack or not line.startswith(b"--"):
            continue
        token = line[2:].rstrip(b" \t")
        for level in range(len(stack) - 1, -1, -1):
            boundary = stack[level]
            if boundary is None:
                continue
            if token == boundary + b"--":
                del stack[level:]
                break
            if token == boundary:
                del stack[level + 1 :]
                parts += 1
                if parts > limits.max_parts:
                    return f"too many MIME parts (> {limits.max_parts})"
                in_headers = True
                break
    return None


def check_raw(raw: bytes, limits: MailLimits) -> str | None:
    """All pre-parse checks; the first refusal reason, or ``None``."""
    if len(raw) > limits.max_total_bytes:
        return f"message too large ({len(raw)} > {limits.max_total_bytes} bytes)"
    block = header_block(raw)
    if len(block) > limits.max_header_block_bytes:
        return f"header block too large ({len(block)} > {limits.max_header_block_bytes} bytes)"
    return _check_headers(unfold_headers(block), limits) or _check_structure(raw, limits)
