"""Builders for the hostile mail catalogue (reliability.md section 5), shared by the tests."""

from __future__ import annotations

__all__ = [
    "OWNER",
    "deep_multipart",
    "flat_parts",
    "inbound",
    "many_recipients",
    "simple",
    "with_attachment",
]

OWNER = "owner@platinum.test"


def inbound(n: int, subject: str = "hello") -> bytes:
    """A small, distinct message for the owner's INBOX."""
    return (
        f"From: Bob <bob@example.org>\r\nTo: {OWNER}\r\nSubject: {subject} {n}\r\n"
        f"Message-ID: <in-{n}@example.org>\r\n\r\nbody {n}\r\n"
    ).encode()


def simple(
    *, subject: bytes = b"Hello", body: bytes = b"Hi there\r\n", extra: bytes = b""
) -> bytes:
    return (
        b"From: Bob Sender <bob@example.org>\r\n"
        b"To: owner@platinum.test\r\n"
        b"Subject: " + subject + b"\r\n"
        b"Message-ID: <m1@example.org>\r\n"
        b"Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n" + extra + b"\r\n" + body
    )


def many_recipients(count: int) -> bytes:
    addrs = b", ".join(b"user%d@example.org" % i for i in range(count))
    return simple(extra=b"Cc: " + addrs + b"\r\n")


def deep_multipart(depth: int) -> bytes:
    head = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    opening = []
    closing = []
    for level in range(depth):
        boundary = b"b%d" % level
        opening.append(b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n')
        opening.append(b"--" + boundary + b"\r\n")
        closing.append(b"\r\n--" + boundary + b"--\r\n")
    inner = b"Content-Type: text/plain\r\n\r\ninnermost\r\n"
    return head + b"".join(opening) + inner + b"".join(reversed(closing))


def flat_parts(count: int) -> bytes:
    head = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: flat\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
    )
    part = b"--XX\r\nContent-Type: text/plain\r\n\r\npart\r\n"
    return head + part * count + b"--XX--\r\n"


def with_attachment(disposition_params: bytes, payload: bytes = b"aGVsbG8=") -> bytes:
    return (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: att\r\n"
        b"Message-ID: <att@example.org>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b"--B\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; " + disposition_params + b"\r\n\r\n" + payload + b"\r\n"
        b"--B--\r\n"
    )
