"""The email MCP server: read and draft on Cloud (``draft``), plus ``send_email`` on Local.

``send_email`` is effectively-once: the Message-ID derives from the approval id, Sent is
checked before submitting, and an ambiguous submission is reconciled against Sent. A
draft-mode server never registers ``send_email`` and refuses it if a client forces the call.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import BaseModel, Field

from employee.errors import ConfigError, MailError
from employee.mail import InboundMail, build_message, parse_inbound, stable_message_id
from employee.mail.imap import ImapClient, quote_astring
from employee.mail.sending import (
    DeliveryStatus,
    ImapSentFolder,
    SentWitness,
    send_effectively_once,
)
from employee.mcp.email.config import EmailMcpConfig, Mode

__all__ = ["DRAFT_TOOLS", "SEND_TOOLS", "EmailMCPServer", "build_server"]

DRAFT_TOOLS = ("search_messages", "get_message", "save_draft", "find_sent")
#: The one side effect only Local may perform.
SEND_TOOLS = ("send_email",)
_READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)

Address = Annotated[str, Field(min_length=3, max_length=320)]
MessageId = Annotated[str, Field(min_length=3, max_length=998, pattern=r"^<[^<>\s\"\\]+>$")]
ApprovalId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:-]+$")]


class MessageSummary(BaseModel):
    uid: int
    message_id: str
    from_addr: str
    from_name: str
    subject: str
    date: str | None
    quarantined: str | None = None


class Attachment(BaseModel):
    safe_name: str
    size: int
    content_type: str


class MessageDetail(MessageSummary):
    to: list[str]
    cc: list[str]
    in_reply_to: str | None
    references: list[str]
    body_text: str
    attachments: list[Attachment]
    notes: list[str]


class DraftSaved(BaseModel):
    message_id: str
    mailbox: str
    uid: int | None


class SentLookup(BaseModel):
    found: bool
    message_id: str
    mailbox: str
    uid: int | None


class SendResult(BaseModel):
    status: DeliveryStatus
    message_id: str
    smtp_code: int | None
    detail: str


class EmailMCPServer(MCPServer[Any]):
    """An ``MCPServer`` that refuses ``send_email`` outright in draft mode."""

    def __init__(self, mode: Mode, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode: Mode = mode

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Any = None
    ) -> CallToolResult | Any:
        if self.mode == "draft" and name in SEND_TOOLS:
            raise ToolError(f"refused: {name} is not offered by a draft-only (Cloud) email server")
        return await super().call_tool(name, arguments, context)


@contextmanager
def _mail_errors() -> Iterator[None]:
    try:
        yield
    except MailError as exc:
        raise ToolError(str(exc)) from exc


def _summary(uid: int, raw: bytes) -> MessageSummary | MessageDetail:
    parsed = parse_inbound(raw)
    if not isinstance(parsed, InboundMail):
        return MessageSummary(
            uid=uid,
            message_id=parsed.message_id_if_known or "",
            from_addr="",
            from_name="",
            subject="",
            date=None,
            quarantined=parsed.reason,
        )
    return MessageDetail(
        uid=uid,
        message_id=parsed.message_id,
        from_addr=parsed.from_addr,
        from_name=parsed.from_name,
        subject=parsed.subject,
        date=parsed.date.isoformat() if parsed.date else None,
        to=list(parsed.to),
        cc=list(parsed.cc),
        in_reply_to=parsed.in_reply_to,
        references=list(parsed.references),
        body_text=parsed.body_text,
        attachments=[Attachment(**vars(a)) for a in parsed.attachments],
        notes=list(parsed.notes),
    )


def build_server(
    config: EmailMcpConfig, mode: Mode, *, witness: SentWitness | None = None
) -> EmailMCPServer:
    """An email MCP server; ``draft`` has no SMTP settings and no ``send_email`` tool."""
    if mode not in ("draft", "send"):
        raise ValueError(f"mode must be 'draft' or 'send', not {mode!r}")
    if mode == "draft" and config.smtp is not None:
        raise ConfigError("a draft-only email server must not hold SMTP settings")
    if mode == "send" and config.smtp is None:
        raise ConfigError("a send-mode email server needs SMTP settings")
    sent = witness or ImapSentFolder(config.imap, config.sent_mailbox)
    server = EmailMCPServer(
        mode,
        name=f"platinum-email-{mode}",
        instructions="Mailbox tools. Drafts go to the Drafts folder"
        + (
            "; send_email needs an approval id and sends at most once per id."
            if mode == "send"
            else "."
        ),
    )

    @server.tool(annotations=_READ)
    def search_messages(
        query: Annotated[str, Field(max_length=200)] = "",
        mailbox: Annotated[str, Field(min_length=1, max_length=200)] = "INBOX",
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> list[MessageSummary]:
        """Newest messages in a mailbox whose text contains ``query`` (ASCII; empty: all)."""
        with _mail_errors(), ImapClient(config.imap) as client:
            criteria = ("TEXT", quote_astring(query)) if query else ("ALL",)
            uids = client.search(mailbox, *criteria)[-limit:]
            found = client.fetch(mailbox, uids)
        return [
            MessageSummary(
                **_summary(uid, raw).model_dump(include=set(MessageSummary.model_fields))
            )
            for uid, raw in reversed(found)
        ]

    @server.tool(annotations=_READ)
    def get_message(
        message_id: MessageId,
        mailbox: Annotated[str, Field(min_length=1, max_length=200)] = "INBOX",
    ) -> MessageDetail:
        """One message by Message-ID, parsed under limits (nothing is marked as read)."""
        with _mail_errors(), ImapClient(config.imap) as client:
            uid = client.find_by_message_id(mailbox, message_id)
            found = client.fetch(mailbox, [uid]) if uid is not None else []
        if not found:
            raise ToolError(f"no message {message_id} in {mailbox}")
        detail = _summary(*found[0])
        if not isinstance(detail, MessageDetail):
            raise ToolError(f"message {message_id} is quarantined: {detail.quarantined}")
        return detail

    @server.tool(annotations=ToolAnnotations(destructive_hint=False, open_world_hint=False))
    def save_draft(
        to: list[Address],
        subject: Annotated[str, Field(max_length=900)],
        body: Annotated[str, Field(max_length=200_000)],
        cc: list[Address] | None = None,
        in_reply_to: MessageId | None = None,
        references: list[MessageId] | None = None,
    ) -> DraftSaved:
        """Store a draft (flag ``\\Draft``) in the Drafts folder; nothing is sent."""
        message_id = f"<draft-{uuid.uuid4().hex}@{config.message_id_domain}>"
        with _mail_errors():
            message = build_message(
                from_addr=config.from_addr,
                to=to,
                cc=cc or [],
                subject=subject,
                body=body,
                message_id=message_id,
                in_reply_to=in_reply_to,
                references=references or [],
            )
            with ImapClient(config.imap) as client:
                uid = client.append(config.drafts_mailbox, message.as_bytes(), ("\\Draft",))
        return DraftSaved(message_id=message_id, mailbox=config.drafts_mailbox, uid=uid)

    @server.tool(annotations=_READ)
    def find_sent(message_id: MessageId) -> SentLookup:
        """Whether a message with this Message-ID is in the Sent folder."""
        with _mail_errors(), ImapClient(config.imap) as client:
            uid = client.find_by_message_id(config.sent_mailbox, message_id)
        return SentLookup(
            found=uid is not None, message_id=message_id, mailbox=config.sent_mailbox, uid=uid
        )

    if mode == "send":
        smtp = config.smtp
        assert smtp is not None

        @server.tool(
            annotations=ToolAnnotations(
                read_only_hint=False,
                destructive_hint=False,
                idempotent_hint=True,
                open_world_hint=True,
            )
        )
        def send_email(
            to: list[Address],
            subject: Annotated[str, Field(max_length=900)],
            body: Annotated[str, Field(max_length=200_000)],
            approval_id: ApprovalId,
            cc: list[Address] | None = None,
            in_reply_to: MessageId | None = None,
            references: list[MessageId] | None = None,
        ) -> SendResult:
            """Send an approved message, at most once per ``approval_id`` (checked in Sent)."""
            with _mail_errors():
                message = build_message(
                    from_addr=config.from_addr,
                    to=to,
                    cc=cc or [],
                    subject=subject,
                    body=body,
                    message_id=stable_message_id(approval_id, config.message_id_domain),
                    in_reply_to=in_reply_to,
                    references=references or [],
                )
                result = send_effectively_once(
                    message,
                    smtp=smtp,
                    witness=sent,
                    copy_to_sent=config.sent_copy == "append",
                    reconcile_wait=config.reconcile_wait,
                )
            return SendResult(
                status=result.status,
                message_id=result.message_id,
                smtp_code=result.smtp_code,
                detail=result.detail,
            )

    return server
