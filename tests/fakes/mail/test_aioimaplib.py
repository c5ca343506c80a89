"""aioimaplib against the fake: login, select, uid search/fetch, IDLE woken by a delivery."""

from __future__ import annotations

import asyncio

from aioimaplib import IMAP4
from mail_helpers import OWNER, make_message

from fakes.mail import FakeMailServer


def test_login_select_uid_fetch(server: FakeMailServer) -> None:
    uid = server.deliver(make_message(subject="async"))

    async def scenario() -> None:
        client = IMAP4(host=server.host, port=server.imap_port, timeout=10)
        await client.wait_hello_from_server()
        assert (await client.login(OWNER, "cloud-read")).result == "OK"
        assert (await client.select("INBOX")).result == "OK"
        search = await client.uid_search("ALL")
        assert search.lines[0] == str(uid).encode()
        fetched = await client.uid("fetch", str(uid), "(BODY.PEEK[] FLAGS INTERNALDATE)")
        assert fetched.result == "OK"
        assert f"UID {uid}".encode() in fetched.lines[0]
        assert b"Subject: async" in fetched.lines[1]
        stored = await client.uid("store", str(uid), "+FLAGS", "(\\Seen)")
        assert stored.result == "OK"
        assert (await client.logout()).result == "OK"

    asyncio.run(scenario())
    assert server.messages(OWNER)[0].flags == {"\\Seen"}


def test_idle_woken_by_delivery(server: FakeMailServer) -> None:
    async def scenario() -> list[bytes]:
        client = IMAP4(host=server.host, port=server.imap_port, timeout=10)
        await client.wait_hello_from_server()
        await client.login(OWNER, "cloud-read")
        await client.select("INBOX")
        idle = await client.idle_start(timeout=10)
        server.deliver(make_message(subject="pushed"))
        push = await client.wait_server_push(timeout=5)
        client.idle_done()
        result = await asyncio.wait_for(idle, 5)
        assert result.result == "OK"
        await client.logout()
        return list(push)

    push = asyncio.run(scenario())
    assert b"1 EXISTS" in push
