"""Faults on the review site (issue 10): error pages format no local variables, an over-long URL
is answered at once, failed sign-ins are limited, a reviewer's password may not be empty or short.
(Speed under load is measured by `make bench`, --only web, not here.)"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import tests.reviews_support as rs
from pipeline.cli import cli
from pipeline.reviews.guard import MAX_CLIENT_FAILURES, MAX_FAILURES, Failures, Guard

ACCOUNTS = {"carol": "carol-password"}


@pytest.fixture(scope="module")
def site(built_db, tmp_path_factory):
    d = tmp_path_factory.mktemp("faults-site")
    db = d / "nhs.db"
    shutil.copy(built_db, db)
    rs.write_reviewers(d, ACCOUNTS)
    with rs.datasette(db) as base:
        yield base, d


def server_log(d: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in d.glob("datasette-*.log"))


def test_error_pages_do_not_format_local_variables(site):
    base, d = site
    missing = httpx.get(f"{base}/-/audit/money/{'b' * 5000}", timeout=60)
    assert missing.status_code == 404 and "No money with id" in missing.text
    assert httpx.get(f"{base}/no/such/page", timeout=60).status_code == 404
    log = server_log(d)
    assert "locals" not in log and "Traceback" not in log  # 0.65 printed each with rich, locals and all


def test_a_32000_character_url_is_refused_at_once_and_the_site_goes_on(site):
    base, _ = site
    r = httpx.get(f"{base}/-/audit/money/{'a' * 32000}", timeout=60)
    assert r.status_code == 414 and "32,0" in r.text
    assert httpx.get(f"{base}/nhs/figures_for_body.json", params={"body": "Trust"}, timeout=60).json()["ok"]


def login(client: httpx.Client, name: str, password: str) -> httpx.Response:
    page = client.get("/-/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
    return client.post("/-/login", data={"username": name, "password": password, "csrftoken": token})


def test_failed_sign_ins_are_limited_per_name_and_client_with_a_clear_message(site):
    base, _ = site
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(MAX_FAILURES):
            r = login(client, "carol", "not-her-password")
            assert r.status_code == 200 and "ds_actor" not in client.cookies  # the form again
        refused = login(client, "carol", ACCOUNTS["carol"])  # even the right one, for a while
        assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text
        assert "try again in about 15 minutes" in refused.text and refused.headers["retry-after"]
        assert "ds_actor" not in client.cookies


def asgi_call(app, path: str, method: str = "GET", body: bytes = b"", client: str = "10.0.0.1") -> tuple[int, bytes]:
    scope = {"type": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "method": method}
    scope["client"] = (client, 5000)
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def fake_login_app(good: str):
    async def app(scope, receive, send):
        form = (await receive())["body"].decode()
        status = 302 if f"password={good}" in form else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"signed in" if status == 302 else b"wrong"})

    return app


def test_the_guard_counts_failures_per_name_and_client_and_forgets_them_after_the_window():
    now = [0.0]
    guard = Guard(fake_login_app("right"), Failures(window=900, clock=lambda: now[0]))
    post = lambda name, pw, client="10.0.0.1": asgi_call(  # noqa: E731
        guard, "/-/login", "POST", f"username={name}&password={pw}".encode(), client
    )
    for _ in range(MAX_FAILURES):
        assert post("dan", "wrong")[0] == 200
    assert post("dan", "right")[0] == 429
    assert post("dan", "right", client="10.0.0.2")[0] == 302  # another client is not locked out
    assert post("erin", "right")[0] == 302  # another name from this client
    now[0] = 901.0
    assert post("dan", "right")[0] == 302  # the window has passed
    for i in range(MAX_CLIENT_FAILURES):
        post(f"user{i}", "wrong", client="10.0.0.9")
    assert post("anyone", "right", client="10.0.0.9")[0] == 429  # one client trying many names


def test_the_guard_answers_an_over_long_url_without_calling_the_site():
    called = []

    async def app(scope, receive, send):
        called.append(scope["path"])

    status, body = asgi_call(Guard(app), "/-/audit/money/" + "a" * 32000)
    assert status == 414 and b"32,015 characters" in body and not called


@pytest.mark.parametrize(("password", "why"), [("", "empty"), ("short", "5 characters"), ("Frances123", "name")])
def test_add_reviewer_refuses_an_empty_short_or_name_password(tmp_path, password, why):
    accounts = tmp_path / "reviewers.yaml"
    args = ["reviews", "add-reviewer", "frances123", "--file", str(accounts), "--password", password]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and why in result.output and not accounts.exists()
    ok = CliRunner().invoke(cli, [*args[:-1], "a-long-enough-password"])
    assert ok.exit_code == 0 and accounts.exists()
