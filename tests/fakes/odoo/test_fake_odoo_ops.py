"""Web routes, backup/restore, faults, down/up, the HTTP test API and the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import xmlrpc.client
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.errors import FakeTimeout
from fakes.odoo import FakeOdoo, FakeOdooClient, OdooFault

LINES = [[0, 0, {"name": "Work", "quantity": 3, "price_unit": 10.0}]]


def _rpc(odoo: FakeOdoo, path: str, params: dict[str, Any]) -> Any:
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
    return httpx.post(odoo.url + path, json=body, timeout=10).json()


def test_health_and_versions(odoo19: FakeOdoo) -> None:
    health = httpx.get(odoo19.url + "/web/health")
    assert health.json() == {"status": "pass"}
    assert health.headers["Cache-Control"] == "no-store"
    assert (
        httpx.get(odoo19.url + "/web/health?db_server_status=1").json()["db_server_status"] is True
    )
    odoo19.app.db_server_ok = False
    failing = httpx.get(odoo19.url + "/web/health?db_server_status=1")
    assert failing.status_code == 500
    assert failing.json() == {
        "status": "fail",
        "db_server_status": False,
    }
    assert httpx.get(odoo19.url + "/web/version").json() == {
        "version_info": [19, 0, 0, "final", 0, ""],
        "version": "19.0",
    }
    assert _rpc(odoo19, "/web/webclient/version_info", {})["result"]["server_serie"] == "19.0"
    assert _rpc(odoo19, "/web/database/list", {})["result"] == ["platinum"]
    odoo19.app.list_db = False
    denied = _rpc(odoo19, "/web/database/list", {})
    assert denied["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert httpx.get(odoo19.url + "/nowhere").status_code == 404


def test_doc_bearer_describes_methods(odoo19: FakeOdoo) -> None:
    headers = {"Authorization": f"bearer {odoo19.executive.api_key}"}
    doc = httpx.get(odoo19.url + "/doc-bearer/res.partner.json", headers=headers).json()
    assert list(doc["methods"]["search"]["parameters"]) == ["domain", "offset", "limit", "order"]
    assert "model" in doc["methods"]["search"]["api"]
    assert doc["methods"]["read"]["api"] == []
    assert doc["fields"]["name"]["type"] == "char"
    assert httpx.get(odoo19.url + "/doc-bearer/res.partner.json").status_code == 401


def _invoice(odoo: FakeOdoo) -> int:
    proxy = xmlrpc.client.ServerProxy(odoo.url + "/xmlrpc/2/object")
    boss = odoo.executive
    move = proxy.execute_kw(
        odoo.db,
        boss.uid,
        boss.password,
        "account.move",
        "create",
        [{"move_type": "out_invoice", "partner_id": 6, "invoice_line_ids": LINES}],
    )
    proxy.execute_kw(odoo.db, boss.uid, boss.password, "account.move", "action_post", [[move]])
    return int(move)  # type: ignore[arg-type]


def test_backup_wipe_restore_python(odoo: FakeOdoo) -> None:
    move = _invoice(odoo)
    before = odoo.records("account.move")
    archive = odoo.backup()
    odoo.wipe()
    assert odoo.records("account.move") == []
    proxy = xmlrpc.client.ServerProxy(odoo.url + "/xmlrpc/2/common")
    with pytest.raises(xmlrpc.client.Fault):
        proxy.login(odoo.db, odoo.executive.login, odoo.executive.password)
    odoo.restore(archive)
    assert odoo.records("account.move") == before
    assert before[0]["id"] == move
    assert proxy.login(odoo.db, odoo.executive.login, odoo.executive.password) == 2


def test_backup_restore_over_http_routes(odoo19: FakeOdoo) -> None:
    _invoice(odoo19)
    before = odoo19.records("account.move.line")
    wrong = httpx.post(
        odoo19.url + "/web/database/backup",
        data={"master_pwd": "bad", "name": odoo19.db, "backup_format": "zip"},
    )
    assert wrong.status_code == 200
    assert b"Database backup error" in wrong.content
    backup = httpx.post(
        odoo19.url + "/web/database/backup",
        data={"master_pwd": odoo19.master_password, "name": odoo19.db},
    )
    assert backup.headers["Content-Type"].startswith("application/octet-stream")
    assert backup.content[:2] == b"PK"
    odoo19.wipe()
    restored = httpx.post(
        odoo19.url + "/web/database/restore",
        data={"master_pwd": odoo19.master_password, "name": odoo19.db, "copy": "true"},
        files={"backup_file": ("db.zip", backup.content, "application/zip")},
    )
    assert restored.status_code == 303
    assert restored.headers["Location"] == "/web/database/manager"
    assert odoo19.records("account.move.line") == before
    dumped = _rpc(
        odoo19,
        "/jsonrpc",
        {"service": "db", "method": "dump", "args": [odoo19.master_password, odoo19.db, "zip"]},
    )
    assert isinstance(dumped["result"], str)
    denied = _rpc(odoo19, "/jsonrpc", {"service": "db", "method": "dump", "args": ["x", odoo19.db]})
    assert denied["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"


def test_data_dir_survives_restart(tmp_path: Path) -> None:
    with FakeOdoo(version="18", data_dir=tmp_path) as first:
        _invoice(first)
        users, master = first.users, first.master_password
    with FakeOdoo(version="18", data_dir=tmp_path) as second:
        assert second.users == users
        assert second.master_password == master
        assert [m["state"] for m in second.records("account.move")] == ["posted"]


def test_http_status_fault_then_recovery(odoo19: FakeOdoo) -> None:
    odoo19.inject_fault(OdooFault(kind="http_status", status=502, times=1))
    assert httpx.get(odoo19.url + "/web/health").status_code == 502
    assert httpx.get(odoo19.url + "/web/health").status_code == 200
    odoo19.inject_fault(OdooFault(kind="http_status", status=500, path="/json/2"))
    assert httpx.get(odoo19.url + "/web/health").status_code == 200
    assert httpx.post(odoo19.url + "/json/2/res.partner/search", json={}).status_code == 500
    odoo19.clear_faults()
    assert odoo19.faults == []


def test_exception_fault_reaches_every_protocol(odoo19: FakeOdoo, json2: Any) -> None:
    fault = OdooFault(
        kind="exception",
        model="res.partner",
        method="search",
        exception="odoo.exceptions.ValidationError",
        message="boom",
    )
    odoo19.inject_fault(fault)
    reply = json2(odoo19, "res.partner", "search", {"domain": []})
    assert reply.status_code == 422
    assert reply.json()["message"] == "boom"
    rpc = _rpc(
        odoo19,
        "/jsonrpc",
        {
            "service": "object",
            "method": "execute_kw",
            "args": [odoo19.db, 2, odoo19.executive.password, "res.partner", "search", [[]]],
        },
    )
    assert rpc["error"]["data"]["name"] == "odoo.exceptions.ValidationError"
    assert json2(odoo19, "res.partner", "search_count", {"domain": []}).status_code == 200


def test_delay_and_hang(odoo19: FakeOdoo) -> None:
    odoo19.inject_fault(OdooFault(kind="delay", seconds=0.3, times=1))
    started = time.monotonic()
    assert httpx.get(odoo19.url + "/web/health").status_code == 200
    assert time.monotonic() - started >= 0.3
    odoo19.inject_fault(OdooFault(kind="hang", times=1))
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(odoo19.url + "/web/health", timeout=0.3)
    released = threading.Event()

    def hang() -> None:
        try:
            httpx.get(odoo19.url + "/web/health", timeout=10)
        except httpx.HTTPError:
            released.set()

    odoo19.inject_fault(OdooFault(kind="hang", times=1))
    worker = threading.Thread(target=hang)
    worker.start()
    odoo19.wait_for(lambda o: o.faults == [], describe="the hang fault to be taken")
    odoo19.clear_faults()
    assert released.wait(10)
    worker.join(10)


def test_down_refuses_then_up_same_port(odoo19: FakeOdoo) -> None:
    port = odoo19.port
    odoo19.down()
    with pytest.raises(httpx.ConnectError):
        httpx.get(odoo19.url + "/web/health", timeout=2)
    client = FakeOdooClient(odoo19.test_api_url)
    assert client.info()["url"] == odoo19.url
    client.up()
    assert odoo19.port == port
    assert httpx.get(odoo19.url + "/web/health").status_code == 200


def test_wait_for_times_out_with_description(odoo19: FakeOdoo) -> None:
    with pytest.raises(FakeTimeout, match="posted invoice"):
        odoo19.wait_for(lambda o: o.records("account.move"), timeout=0.2, describe="posted invoice")


def test_http_test_api(odoo19: FakeOdoo) -> None:
    client = FakeOdooClient(odoo19.test_api_url)
    _invoice(odoo19)
    assert [m["state"] for m in client.records("account.move", [["state", "=", "posted"]])] == [
        "posted"
    ]
    archive = client.backup()
    client.wipe()
    assert client.records("account.move") == []
    client.restore(archive)
    assert len(client.records("account.move")) == 1
    client.inject_fault(OdooFault(kind="http_status", status=503, times=1))
    assert httpx.get(odoo19.url + "/web/health").status_code == 503
    client.inject_fault(OdooFault(kind="http_status", status=503))
    client.clear_faults()
    assert httpx.get(odoo19.url + "/web/health").status_code == 200
    client.reset()
    assert client.records("account.move") == []
    client.down()
    with pytest.raises(httpx.ConnectError):
        httpx.get(odoo19.url + "/web/health", timeout=2)
    client.up()
    bad = httpx.post(odoo19.test_api_url + "/faults", json={"kind": "nope"})
    assert bad.status_code == 400


def test_cli_prints_json_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "fakes.odoo",
        "--port",
        "0",
        "--odoo-version",
        "17",
        "--db",
        "acme",
        "--data-dir",
        str(tmp_path),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert info["db"] == "acme"
        assert info["version"] == "17"
        assert {u["role"] for u in info["users"]} == {"executive", "drafter"}
        admin = next(u for u in info["users"] if u["role"] == "executive")
        common = xmlrpc.client.ServerProxy(info["url"] + "/xmlrpc/2/common")
        assert common.login("acme", admin["login"], admin["api_key"]) == admin["uid"]
        assert FakeOdooClient(info["test_api"]).info()["db"] == "acme"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (tmp_path / "acme.sqlite").exists()
