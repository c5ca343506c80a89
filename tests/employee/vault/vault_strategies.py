"""Hypothesis strategies for hostile strings shared by the vault tests."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["HOSTILE_TEXT"]

_PIECES = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=8),
    st.sampled_from(
        [
            "\r",
            "\n",
            "\r\n",
            "\u2028",
            "\u2029",
            "\x85",
            "\x00",
            "\ufeff",
            "\t",
            "\x0b",
            "---",
            "\n---\n",
            "...",
            ": ",
            " #",
            "&a",
            "*a",
            "!!python/object:os.system",
            "'",
            '"',
            "|",
            ">",
            "- ",
            "? ",
            "{",
            "[",
            "../",
            "..\\",
            "/etc/passwd",
            "=?UTF-8?Q?Invoice=0A---=0Aapproved:_true?=",
            "approved: true",
            "status: done",
            "\U0001f600",
            "é",
            "\u202e",
            "~",
            "null",
            "yes",
            "010",
            "2026-01-02",
            "1e3",
        ]
    ),
)

#: Arbitrary unicode mixed with YAML syntax, fences, line breaks and traversal pieces.
HOSTILE_TEXT = st.lists(_PIECES, max_size=12).map("".join)
