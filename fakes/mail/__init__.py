"""A fake mail server: SMTP (aiosmtpd) and IMAP4rev1 over one store, with a test API.

::

    with FakeMailServer(users=[MailUser("owner@platinum.test", [Credential("pw")])]) as srv:
        smtplib.SMTP(srv.host, srv.smtp_port) ...; imaplib.IMAP4(srv.host, srv.imap_port) ...
        srv.deliver(raw); srv.wait_for(lambda s: s.outbound); srv.inject_fault(SmtpFault("DATA"))
"""

from __future__ import annotations

from fakes.mail.api_client import MailApiClient
from fakes.mail.faults import ImapFault, SmtpFault
from fakes.mail.server import FakeMailServer
from fakes.mail.store import Credential, MailStore, MailUser, OutboundMessage, StoredMessage

__all__ = [
    "Credential",
    "FakeMailServer",
    "ImapFault",
    "MailApiClient",
    "MailStore",
    "MailUser",
    "OutboundMessage",
    "SmtpFault",
    "StoredMessage",
]
