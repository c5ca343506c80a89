"""The email MCP server through a real MCP client against FakeMailServer."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest
from mcp import Client

from employee.errors import ConfigError
from employee.mail.imap import ImapConfig
from employee.mail.sending import ImapSentFolder
from employee.mail.smtp import SmtpConfig
from employee.mcp.email import DRAFT_TOOLS, SEND_TOOLS, EmailMcpConfig, build_server
from fakes.mail import Credential, FakeMailServer, MailUser, SmtpFault

pytestmark = pytest.mark.anyio

OWNER = "owner@platinum.test"
SENT_HEADERS = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake() -> Iterator[FakeMailServer]:
    users = [
        MailUser(
            OWNER,
            [
                Credential("pw-read", scopes=frozenset({"imap"})),
                Credential("pw-send", scopes=frozenset({"imap", "smtp"})),
            ],
        ),
        MailUser("alice@example.org", [Credential("pw-alice", scopes=frozenset({"imap"}))]),
    ]
    with FakeMailServer(users=users, tls=True) as server:
        yield server


def _imap(fake: FakeMailServer, password: str) -> ImapConfig:
    assert fake.imaps_port is not None
    return ImapConfig(fake.host, fake.imaps_port, OWNER, password, "ssl", fake.ca_cert, timeout=5)


def _config(
    fake: FakeMailServer, *, password: str = "pw-send", smtp: bool = True
) -> EmailMcpConfig:
    assert fake.smtp_port is not None
    smtp_config = SmtpConfig(
        fake.host, fake.smtp_port, OWNER, password, "starttls", fake.ca_cert, timeout=5
    )
    return EmailMcpConfig(
        imap=_imap(fake, password),
        smtp=smtp_config if smtp else None,
        from_addr=OWNER,
        message_id_domain="platinum.test",
    )


class ProviderSentCopy:
    """A witness for a provider that files SMTP-submitted mail in Sent itself (like Gmail).

    The fake has no such mode yet, so the provider's copy is read from its outbound record
    (submissions authenticated as the owner); the client's own Sent folder is checked too.
    """

    def __init__(self, fake: FakeMailServer, imap: ImapConfig) -> None:
        self.fake = fake
        self.folder = ImapSentFolder(imap)

    def contains(self, message_id: str) -> bool:
        provider = any(
            o.message_id == message_id and (o.login or "").lower() == OWNER
            for o in self.fake.outbound
        )
        return provider or self.folder.contains(message_id)

    def store_copy(self, raw: bytes, message_id: str) -> None:
        self.folder.store_copy(raw, message_id)


def _send_args(approval_id: str = "APR-0001", **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "to": ["alice@example.org"],
        "subject": "Invoice 42",
        "body": "Hello Alice,\nplease find the invoice.\n",
        "approval_id": approval_id,
    }
    args.update(extra)
    return args


async def _call(server: Any, tool: str, args: dict[str, Any]) -> Any:
    async with Client(server) as client:
        result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


def _header_names(raw: bytes) -> list[str]:
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return [ln.split(b":", 1)[0].decode() for ln in head.split(b"\n") if ln[:1] not in b" \t"]


async def test_send_arrives_once_with_exact_headers_and_body(fake: FakeMailServer) -> None:
    result = await _call(build_server(_config(fake), "send"), "send_email", _send_args())
    assert result["status"] == "sent"
    assert result["smtp_code"] == 250
    assert result["message_id"].endswith("@platinum.test>")
    (out,) = fake.outbound
    assert out.rcpt_tos == ("alice@example.org",)
    assert _header_names(out.raw) == SENT_HEADERS
    parsed = email.message_from_bytes(out.raw, policy=policy.default)
    assert parsed["Message-ID"] == result["message_id"]
    assert parsed["From"] == OWNER
    assert parsed["Subject"] == "Invoice 42"
    assert parsed.get_content().replace("\r\n", "\n") == "Hello Alice,\nplease find the invoice.\n"
    (copy,) = fake.messages(OWNER, "Sent")
    assert copy.message_id == result["message_id"]
    assert len(fake.messages("alice@example.org")) == 1


async def test_threading_headers(fake: FakeMailServer) -> None:
    args = _send_args(
        subject="Re: Quarterly numbers",
        in_reply_to="<parent@example.org>",
        references=["<root@example.org>", "<parent@example.org>"],
    )
    await _call(build_server(_config(fake), "send"), "send_email", args)
    parsed = fake.outbound[0].message
    assert parsed["In-Reply-To"] == "<parent@example.org>"
    assert parsed["References"] == "<root@example.org> <parent@example.org>"
    assert parsed["Subject"] == "Re: Quarterly numbers"


async def test_header_injection_is_impossible(fake: FakeMailServer) -> None:
    args = _send_args(subject="Hi\r\nBcc: evil@example.com\nReply-To: evil@example.com")
    result = await _call(build_server(_config(fake), "send"), "send_email", args)
    assert result["status"] == "sent"
    (out,) = fake.outbound
    assert out.rcpt_tos == ("alice@example.org",)
    assert _header_names(out.raw) == SENT_HEADERS
    async with Client(build_server(_config(fake), "send")) as client:
        bad = await client.call_tool(
            "send_email", _send_args("APR-2", to=["alice@example.org\r\nBcc: evil@example.com"])
        )
    assert bad.is_error
    assert len(fake.outbound) == 1


async def test_same_approval_twice_sends_once(fake: FakeMailServer) -> None:
    server = build_server(_config(fake), "send")
    first = await _call(server, "send_email", _send_args())
    second = await _call(server, "send_email", _send_args())
    assert (first["status"], second["status"]) == ("sent", "already_sent")
    assert first["message_id"] == second["message_id"]
    assert len(fake.outbound) == 1


async def test_data_451_is_transient_then_retry_sends_once(fake: FakeMailServer) -> None:
    server = build_server(_config(fake), "send")
    fake.inject_fault(SmtpFault(stage="DATA", code=451, times=1))
    first = await _call(server, "send_email", _send_args())
    assert (first["status"], first["smtp_code"]) == ("transient_failure", 451)
    assert fake.outbound == []
    second = await _call(server, "send_email", _send_args())
    assert second["status"] == "sent"
    assert len(fake.outbound) == 1


async def test_drop_after_data_is_reconciled_without_duplicate(fake: FakeMailServer) -> None:
    config = _config(fake)
    server = build_server(config, "send", witness=ProviderSentCopy(fake, config.imap))
    fake.inject_fault(SmtpFault(stage="DATA", code=None, times=1, drop_connection=True))
    first = await _call(server, "send_email", _send_args())
    assert first["status"] == "sent"
    assert "reconciled" in first["detail"]
    again = await _call(server, "send_email", _send_args())
    assert again["status"] == "already_sent"
    assert len(fake.outbound) == 1


async def test_drop_after_data_without_a_provider_copy_stays_ambiguous(
    fake: FakeMailServer,
) -> None:
    # The fake does not copy submissions into Sent, so the IMAP witness cannot confirm.
    server = build_server(_config(fake), "send")
    fake.inject_fault(SmtpFault(stage="DATA", code=None, times=1, drop_connection=True))
    result = await _call(server, "send_email", _send_args())
    assert result["status"] == "ambiguous"
    assert result["smtp_code"] is None
    assert len(fake.outbound) == 1


async def test_550_is_permanent(fake: FakeMailServer) -> None:
    fake.inject_fault(SmtpFault(stage="DATA", code=550, message="5.7.1 Rejected", times=1))
    result = await _call(build_server(_config(fake), "send"), "send_email", _send_args())
    assert (result["status"], result["smtp_code"]) == ("permanent_failure", 550)
    assert fake.messages(OWNER, "Sent") == []


async def test_read_only_credential_gets_535(fake: FakeMailServer) -> None:
    server = build_server(_config(fake, password="pw-read"), "send")
    result = await _call(server, "send_email", _send_args())
    assert (result["status"], result["smtp_code"]) == ("permanent_failure", 535)
    assert fake.outbound == []


async def test_draft_server_lists_no_send_tool_and_refuses_forced_call(
    fake: FakeMailServer,
) -> None:
    server = build_server(_config(fake, password="pw-read", smtp=False), "draft")
    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == set(DRAFT_TOOLS)
        for name in ("search_messages", "get_message", "find_sent"):
            hints = tools[name].annotations
            assert hints is not None
            assert hints.read_only_hint is True
        forced = await client.call_tool("send_email", _send_args())
    assert forced.is_error
    assert "refused: send_email" in forced.content[0].text  # type: ignore[union-attr]
    assert fake.outbound == []


async def test_send_server_lists_send_tool(fake: FakeMailServer) -> None:
    async with Client(build_server(_config(fake), "send")) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == set(DRAFT_TOOLS) | set(SEND_TOOLS)
    hints = tools["send_email"].annotations
    assert hints is not None
    assert hints.read_only_hint is False
    assert "approval_id" in tools["send_email"].input_schema["required"]


def test_modes_refuse_wrong_smtp_settings(fake: FakeMailServer) -> None:
    with pytest.raises(ConfigError):
        build_server(_config(fake), "draft")
    with pytest.raises(ConfigError):
        build_server(_config(fake, smtp=False), "send")


async def test_save_draft_search_and_get(fake: FakeMailServer) -> None:
    fake.deliver(
        b"From: Bob <bob@example.org>\r\nTo: owner@platinum.test\r\nSubject: Lunch plans\r\n"
        b"Message-ID: <lunch@example.org>\r\n\r\nTuesday at noon?\r\n"
    )
    fake.deliver(
        b"From: Carol <carol@example.org>\r\nTo: owner@platinum.test\r\nSubject: Invoice\r\n"
        b"Message-ID: <inv@example.org>\r\n\r\nPlease pay.\r\n"
    )
    server = build_server(_config(fake, password="pw-read", smtp=False), "draft")
    found = await _call(server, "search_messages", {"query": "noon"})
    assert [m["message_id"] for m in found["result"]] == ["<lunch@example.org>"]
    everything = await _call(server, "search_messages", {})
    assert [m["message_id"] for m in everything["result"]] == [
        "<inv@example.org>",
        "<lunch@example.org>",
    ]
    detail = await _call(server, "get_message", {"message_id": "<lunch@example.org>"})
    assert detail["from_addr"] == "bob@example.org"
    assert detail["body_text"] == "Tuesday at noon?\n"
    assert all("\\Seen" not in m.flags for m in fake.messages(OWNER))
    draft = await _call(
        server,
        "save_draft",
        {
            "to": ["bob@example.org"],
            "subject": "Re: Lunch plans",
            "body": "Works for me.",
            "in_reply_to": "<lunch@example.org>",
            "references": ["<lunch@example.org>"],
        },
    )
    (stored,) = fake.messages(OWNER, "Drafts")
    assert "\\Draft" in stored.flags
    assert stored.message_id == draft["message_id"]
    assert stored.message["In-Reply-To"] == "<lunch@example.org>"
    assert fake.outbound == []
    sent = await _call(server, "find_sent", {"message_id": draft["message_id"]})
    assert sent["found"] is False


async def test_get_message_unknown_is_a_tool_error(fake: FakeMailServer) -> None:
    server = build_server(_config(fake, password="pw-read", smtp=False), "draft")
    async with Client(server) as client:
        result = await client.call_tool("get_message", {"message_id": "<nope@example.org>"})
    assert result.is_error
