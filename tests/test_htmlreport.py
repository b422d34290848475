"""The HTML report (aicapex.htmlreport, `aicapex report --html/--plots`): self-contained,
everything from the ledger escaped, and rendered by a real headless browser where one is
installed (Debian's chromium; .ci/run installs it)."""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.htmlreport import CONTENT_SECURITY_POLICY, link, render_html
from aicapex.ledger import Ledger
from aicapex.render import money, months
from aicapex.report import report

LedgerText = Callable[..., Path]

HOSTILE = """
sources:
- id: news
  outlet: "<script>alert('outlet')</script>"
  title: "Costs of $5M & more\\" onmouseover=\\"alert(1)"
  date: 2024-05
  url: "javascript:alert('url')"
  language: fr
- id: wire
  outlet: Wire
  title: Wire story
  date: 2024-06
  url: https://example.com/wire?a=1&b=<2>
entities:
- id: alpha
  name: "Alpha <img src=x onerror=alert('name')>"
  type: company
  note: "</p><script>alert('note')</script><p>"
expenses:
- id: alpha-compute
  company: alpha
  category: compute
  rate: $3M/month
  date: 2024
  note: "--><svg onload=alert('svg')>"
  sources:
  - source: news
    quote: "</blockquote><script>alert('quote')</script>"
    translation: "<b>bold</b>"
revenues:
- id: alpha-sales
  company: alpha
  amount: $12M
  date: 2024
  sources: [wire]
cash_balances:
- id: alpha-cash
  company: alpha
  date: 2024-03
  amount: $10M
  sources: [news]
- id: alpha-cash-later
  company: alpha
  date: 2024-03
  amount: $8M
  sources: [wire]
"""

#: Elements the page may hold: HTML text structure, and SVG drawing (matplotlib's).
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "ul", "ol", "li",
    "a", "br", "code", "pre", "span", "table", "caption", "tr", "th", "td", "nav", "section",
    "figure", "figcaption", "blockquote",
    "svg", "metadata", "rdf:rdf", "cc:work", "dc:type", "dc:date", "dc:format", "dc:creator",
    "dc:title", "cc:agent", "defs", "g", "path", "clippath", "use", "rect", "text", "tspan",
    "polyline", "polygon", "line", "circle", "ellipse", "image",
}  # fmt: skip


class _Audit(HTMLParser):
    """Every element, attribute and link of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.handlers: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in ("href", "xlink:href"):
                self.hrefs.append(value or "")
            if name in ("src", "srcset", "data", "action", "formaction"):
                self.sources.append(value or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def hostile(ledger_text: LedgerText) -> Ledger:
    return ac.load(ledger_text(HOSTILE))


def _audit(page: str) -> _Audit:
    audit = _Audit()
    audit.feed(page)
    audit.close()
    return audit


def test_everything_from_the_ledger_is_escaped(hostile: Ledger) -> None:
    page = render_html(hostile, report(hostile))
    audit = _audit(page)
    assert audit.tags <= ALLOWED_TAGS, audit.tags - ALLOWED_TAGS
    assert "script" not in audit.tags
    assert "img" not in audit.tags
    assert audit.handlers == []
    assert "<script" not in page.lower()
    # the hostile text is shown, as text
    text = "".join(audit.text)
    for shown in (
        "<script>alert('outlet')</script>",
        "Alpha <img src=x onerror=alert('name')>",
        "</blockquote><script>alert('quote')</script>",
        "<b>bold</b>",
        "</p><script>alert('note')</script><p>",
    ):
        assert shown in text


def test_links_are_the_articles_and_the_page_itself(hostile: Ledger) -> None:
    audit = _audit(render_html(hostile, report(hostile)))
    outside = [h for h in audit.hrefs if not h.startswith("#")]
    assert outside == ["https://example.com/wire?a=1&b=<2>"] * len(outside)
    assert outside
    assert not any(h.lower().startswith("javascript") for h in audit.hrefs)
    assert audit.sources == []  # nothing loaded: no src, no remote style or font


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.com/a", True),
        ("HTTP://example.com", True),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//example.com", False),
        (None, False),
    ],
)
def test_link_only_for_http(url: str | None, linked: bool) -> None:
    assert link(url, "x").startswith("<a ") is linked


def test_the_page_is_self_contained(bundled: Ledger) -> None:
    page = render_html(bundled, report(bundled))
    assert f'content="{CONTENT_SECURITY_POLICY.replace(chr(39), "&#x27;")}"' in page
    lower = page.lower()
    for remote in ("<link", "<script", "<iframe", "@import", "url(http", 'src="http'):
        assert remote not in lower
    assert page.count("<svg") >= 3  # Stability AI's cash, burn and compute gap


def test_the_page_shows_the_report_and_the_records(hostile: Ledger) -> None:
    data = report(hostile)
    page = render_html(hostile, data)
    text = "".join(_audit(page).text)
    r = ac.runway(hostile, "alpha")
    # the later report of the March balance ($8M, from the wire) is the one used
    assert r.frame["balance_record"].iloc[0] == "alpha-cash-later"
    assert f"{money(8e6)} on" in text
    assert months(round(r.months, 2)) in text
    assert f"cash out {r.cash_out:%Y-%m-%d}" in text
    # conflicting reports side by side, each with its quotes
    assert "alpha-cash" in text
    assert "alpha-cash-later" in text
    assert "$10M" in text
    for record in hostile:
        if isinstance(record, ac.Fact) and not isinstance(record, ac.Entity):
            assert record.id in text
    # the assumptions of the runway
    assert all(a in text for a in data["companies"][0]["runway"]["disbursed"]["assumptions"])


def test_without_plots(hostile: Ledger) -> None:
    page = render_html(hostile, report(hostile), plots=False)
    assert "<svg" not in page


def test_cli_writes_the_page_and_the_plots(ledger_text: LedgerText, tmp_path: Path) -> None:
    path = ledger_text(HOSTILE)
    out, pngs = tmp_path / "report.html", tmp_path / "plots"
    result = CliRunner().invoke(
        app, ["report", str(path), "--html", str(out), "--plots", str(pngs)]
    )
    assert result.exit_code == 0, result.output
    written = result.stdout.split()
    assert str(out) in written
    assert sorted(Path(p).name for p in written if p.endswith(".png")) == [
        "alpha-burn.png",
        "alpha-cash.png",
        "alpha-compute_gap.png",
    ]
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert all((pngs / n).read_bytes()[:4] == b"\x89PNG" for n in os.listdir(pngs))


def test_cli_reports_an_unwritable_page(ledger_text: LedgerText, tmp_path: Path) -> None:
    path = ledger_text(HOSTILE)
    result = CliRunner().invoke(
        app, ["report", str(path), "--html", str(tmp_path / "missing" / "folder" / "r.html")]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("error: ")


# -- a real browser --------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _Browser:
    """Headless chromium driven over the DevTools protocol on a pipe (no library needed)."""

    def __init__(self, binary: str, profile: Path) -> None:
        ours_in, theirs_out = os.pipe()  # chromium writes fd 4, we read
        theirs_in, ours_out = os.pipe()  # we write, chromium reads fd 3

        def fds() -> None:
            os.dup2(theirs_in, 3)
            os.dup2(theirs_out, 4)

        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=fds,
        )
        os.close(theirs_in)
        os.close(theirs_out)
        self.read_fd, self.write_fd = ours_in, ours_out
        self.buffer = b""
        self.ids = iter(range(1, 1_000_000))
        self.events: list[dict[str, Any]] = []

    def _messages(self, deadline: float) -> Iterator[dict[str, Any]]:
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                yield json.loads(raw)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer")
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self.buffer += chunk

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        n = next(self.ids)
        message: dict[str, Any] = {"id": n, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        for answer in self._messages(time.monotonic() + 60):
            if answer.get("id") == n:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self.events.append(answer)
        raise AssertionError("unreachable")

    def wait_for(self, method: str, timeout: float = 60) -> None:
        if any(e.get("method") == method for e in self.events):
            return
        for message in self._messages(time.monotonic() + timeout):
            self.events.append(message)
            if message.get("method") == method:
                return

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.read_fd)
        os.close(self.write_fd)


def _open_in_browser(binary: str, page: Path, profile: Path) -> tuple[dict[str, Any], list[Any]]:
    """Load ``page`` in headless chromium; returns what it shows and every error event."""
    browser = _Browser(binary, profile)
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session)
        browser.send("Page.navigate", session, url=page.as_uri())
        browser.wait_for("Page.loadEventFired")
        shown = browser.send(
            "Runtime.evaluate",
            session,
            returnByValue=True,
            expression="""JSON.stringify({
                text: document.body.innerText,
                title: document.title,
                svgs: [...document.querySelectorAll('svg')].map(s => {
                    const r = s.getBoundingClientRect(); return [r.width, r.height]; }),
                paths: document.querySelectorAll('svg path').length,
            })""",
        )["result"]["value"]
        time.sleep(0.2)  # late console messages
        browser.send("Runtime.evaluate", session, expression="1")
        errors = [
            e
            for e in browser.events
            if e.get("method") == "Runtime.exceptionThrown"
            or (
                e.get("method") == "Runtime.consoleAPICalled"
                and e["params"].get("type") in ("error", "assert")
            )
            or (
                e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error"
            )
            or e.get("method") == "Network.loadingFailed"
            or (
                e.get("method") == "Network.requestWillBeSent"
                and not e["params"]["request"]["url"].startswith(("file:", "data:", "about:"))
            )
        ]
        return json.loads(shown), errors
    finally:
        browser.close()


def test_a_browser_renders_the_page(hostile: Ledger, bundled: Ledger, tmp_path: Path) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("no chromium on this machine (apt-get install chromium; .ci/run does)")
    data = report(bundled)
    page = tmp_path / "report.html"
    page.write_text(render_html(bundled, data), encoding="utf-8")
    shown, errors = _open_in_browser(binary, page, tmp_path / "profile")
    assert errors == []
    assert shown["title"] == "aicapex report"
    r = ac.runway(bundled, "stability-ai", as_of="2023-10")
    text = shown["text"]
    assert "Stability AI" in text
    assert months(round(r.months, 2)) in text
    assert f"cash out {r.cash_out:%Y-%m-%d}" in text
    sizes = shown["svgs"]
    assert len(sizes) >= 3
    assert all(w > 300 and h > 150 for w, h in sizes)
    assert shown["paths"] > 100
    # a hostile ledger runs nothing and loads nothing either
    hostile_page = tmp_path / "hostile.html"
    hostile_page.write_text(render_html(hostile, report(hostile)), encoding="utf-8")
    shown, errors = _open_in_browser(binary, hostile_page, tmp_path / "profile2")
    assert errors == []
    assert "<script>alert('quote')</script>" in shown["text"]


def test_the_page_draws_the_money_graph(bundled: Ledger) -> None:
    page = render_html(bundled, report(bundled))
    start = page.index('<section id="ledger">')
    assert "<svg" in page[start : page.index("</section>", start)]
