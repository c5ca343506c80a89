"""Secrets never reach the remote: canaries pushed by every means, then every object scanned."""

from __future__ import annotations

import uuid

import pytest

from employee.errors import SecretDetected
from employee.sync import Mutation, WriteOp, init_remote, scan_remote

AWS = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def canary() -> str:
    return f"CANARY-{uuid.uuid4().hex}"


def _planted(canary: str) -> dict[str, dict[str, bytes]]:
    """One push per case: path -> bytes, each carrying the canary."""
    line = f'api_key = "{canary}"\n'.encode()
    return {
        "dotenv": {".env": b"OPENAI_API_KEY=" + canary.encode() + b"\n"},
        "token": {"token.json": b'{"refresh_token": "' + canary.encode() + b'"}'},
        "whatsapp": {"whatsapp/session/creds.json": b'{"noiseKey": "' + canary.encode() + b'"}'},
        "bank": {"secrets/bank.md": b"iban: DE00\npassword: " + canary.encode() + b"\n"},
        "md key": {"Needs_Action/email/leak.md": b"---\nid: leak\n---\n" + line},
        "aws in md": {"Plans/email/PLAN_aws.md": f"key {AWS}\n{canary}\n".encode()},
        "new folder .env": {"Plans/newdir/.env": line},
        "oversized": {"Plans/email/PLAN_big.md": line + b"x" * 1_100_000},
    }


def test_every_means_of_pushing_a_secret_is_refused_and_the_remote_stays_clean(
    remote, make_replica, raw_clone, canary
):
    cloud = make_replica("cloud")
    # 1. through the replica: ignored files are left out, a secret in a note refuses the commit
    files = {".env": "X=" + canary} | {
        "token.json": canary,
        "Plans/newdir/.env": canary,
        "Plans/email/PLAN_ok.md": "---\nid: ok\n---\nfine\n",
    }
    result = cloud.transact(WriteOp("cloud", Mutation.of(files)))
    assert result.status == "pushed"
    leak = Mutation.of({"Needs_Action/email/leak.md": f"---\nid: leak\n---\napi_key: {canary}\n"})
    refused = cloud.transact(WriteOp("cloud", leak))
    assert refused.status == "refused"
    assert isinstance(refused.error, SecretDetected)
    assert not (cloud.path / "Needs_Action/email/leak.md").exists()
    cloud.sync()  # the alert rides the next commit
    log = "".join(p.read_text() for p in (cloud.path / "Logs/cloud").glob("*.jsonl"))
    assert "secret_blocked" in log
    assert canary not in log
    # 2. past every client guard: git add -f, commit --no-verify, plain push -o agent=cloud
    raw = raw_clone(remote, "cloud")
    for case, planted in _planted(canary).items():
        assert not raw.commit_and_push(planted, push_as="cloud"), case
        assert "platinum: refused" in raw.last_error, (case, raw.last_error)
    # a symlink, even to a harmless note
    raw.git("fetch", "-q")
    raw.git("reset", "-q", "--hard", "origin/main")
    (raw.path / "Plans/email").mkdir(parents=True, exist_ok=True)
    (raw.path / "Plans/email/link.md").symlink_to("../../Company_Handbook.md")
    raw.git("add", "-f", "Plans/email/link.md")
    raw.git("commit", "-q", "--no-verify", "-m", "symlink")
    pushed = raw.git("push", "-q", "-o", "agent=cloud", "origin", "HEAD:main")
    assert pushed.returncode != 0
    assert "symlink" in pushed.stderr
    # 3. every object of the remote, reachable or not
    report = scan_remote(remote, canaries=[canary])
    print(f"\nprotected remote: {report.objects} objects / {report.blobs} blobs, "
          f"{len(report.findings)} findings")  # fmt: skip
    assert report.objects > 0, report
    assert report.clean, report


def test_positive_control_an_unprotected_remote_leaks(tmp_path, raw_clone, canary):
    leaky = init_remote(tmp_path / "leaky.git", protect=False)
    raw = raw_clone(leaky, "cloud")
    assert raw.commit_and_push({".env": f"KEY={canary}\n".encode()})
    raw.git("rm", "-q", "--cached", ".env")
    raw.git("commit", "-q", "-m", "remove it again")
    assert raw.git("push", "-q", "origin", "HEAD:main").returncode == 0
    report = scan_remote(leaky, canaries=[canary])
    print(
        f"\npositive control: {len(report.findings)} findings, outside: {report.outside_allow_list}"
    )
    assert any(canary in f.finding.kind for f in report.findings)
    assert ".env" in report.outside_allow_list
    assert not report.clean
