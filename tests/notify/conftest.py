"""Fixtures of the notification tests: a recording HTTP server on 127.0.0.1, a tiny SMTP
server, and run folders holding hand-made summaries in the shape ``playbook run`` writes."""

from __future__ import annotations

import json
import socketserver
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from locations import ROOT

from helpers.report import dumps

GOLDEN = ROOT / "tests" / "golden" / "sample.summary.json"


@dataclass
class Recorded:
    """One request the server received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Recorder:
    """The server's script (answers given in turn, the last one repeated) and its log."""

    url: str
    answers: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)

    def answer(self, *answers: tuple[int, dict[str, str], str]) -> None:
        self.answers[:] = list(answers)


def _handler(rec: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            rec.requests.append(
                Recorded(
                    parts.path, parse_qs(parts.query), dict(self.headers), self.rfile.read(length)
                )
            )
            status, headers, body = rec.answers[0] if rec.answers else (200, {}, "{}")
            if len(rec.answers) > 1:
                rec.answers.pop(0)
            data = body.encode("utf-8")
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def server():
    """A recording HTTP server on 127.0.0.1 (a free port), stopped after the test."""
    rec = Recorder(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rec))
    rec.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: reply to MAIL FROM for the next sessions, in turn (e.g. "451 try later")
    refusals: list[str] = field(default_factory=list)


def _smtp_handler(box: Mailbox) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

        def say(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            self.say("220 localhost test SMTP")
            mail: dict[str, Any] = {"rcpt": []}
            while line := self.rfile.readline():
                cmd = line.decode().strip()
                verb = cmd.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.say("250 localhost")
                elif verb == "MAIL":
                    if box.refusals:
                        self.say(box.refusals.pop(0))
                        continue
                    mail["from"] = cmd
                    self.say("250 OK")
                elif verb == "RCPT":
                    mail["rcpt"].append(cmd)
                    self.say("250 OK")
                elif verb == "DATA":
                    self.say("354 end with .")
                    data = []
                    while (row := self.rfile.readline()) not in (b".\r\n", b""):
                        data.append(row)
                    mail["data"] = b"".join(data)
                    box.messages.append(mail)
                    mail = {"rcpt": []}
                    self.say("250 queued")
                elif verb == "QUIT":
                    self.say("221 bye")
                    return
                else:
                    self.say("250 OK")

    return Handler


@pytest.fixture
def smtp_server():
    box = Mailbox("127.0.0.1", 0)
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _smtp_handler(box))
    srv.daemon_threads = True
    box.port = srv.server_address[1]
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield box
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def review_block() -> dict[str, Any]:
    """The daily review's second-pass fields, in the schema summary.json carries."""
    return {
        "baseline": {
            "key": "clean_weeks",
            "label_zh": "双11前的平常周（10-06 至 10-19）",
            "label_en": "the clean weeks before 双11 (10-06 to 10-19)",
            "start": "2026-10-06",
            "end": "2026-10-19",
        },
        "answers": {
            "what_changed": {
                "zh": "GMV 较对比基线 -12.0%。\n较对比基线拖累最大的渠道：直播（-¥5,241.74）。",
                "en": "GMV -12.0% against the baseline.\nLargest drag: Live stream (-¥5,241.74).",
            },
            "why": {"zh": "直播转化率下降。", "en": "Live-stream CVR fell."},
            "what_to_do": {"zh": "先查直播间。", "en": "Check the live room first."},
        },
        "headline": [
            {
                "metric": "orders",
                "value": 138,
                "baseline": 150,
                "change": -8.0,
                "change_unit": "pct",
            },
            {
                "metric": "gmv",
                "value": 31047.8,
                "baseline": 35281.6,
                "change": -12.0,
                "change_unit": "pct",
            },
            {
                "metric": "cvr",
                "value": 0.0307,
                "baseline": 0.0352,
                "change": -0.45,
                "change_unit": "pp",
            },
        ],
    }


def next_actions() -> list[dict[str, Any]]:
    return [
        {
            "key": "a2",
            "rank": 2,
            "text_zh": "核对 AP0001 尺码表",
            "text_en": "Fix AP0001 sizes",
            "money_at_stake": 820.5,
            "currency": "CNY",
            "severity": "high",
            "alert_keys": [],
            "export": None,
        },
        {
            "key": "a1",
            "rank": 1,
            "text_zh": "排查直播间转化",
            "text_en": "Check the live room",
            "money_at_stake": 5242.0,
            "currency": "CNY",
            "severity": "high",
            "alert_keys": [],
            "export": None,
        },
    ]


def sample_summary(*, review: bool = True, lang: str = "zh") -> dict[str, Any]:
    """The sample shop's 2026-11-15 summary (golden file) in the merged run shape."""
    part = json.loads(GOLDEN.read_text(encoding="utf-8"))
    nb = "05_daily_review"
    summary = {**part, "lang": lang, "kpis": {nb: part["kpis"]}, "skipped": {}, "exports": {}}
    summary["extra"] = (
        {nb: {"review": review_block(), "next_actions": next_actions()}} if review else {}
    )
    return summary


def write_run(out: Path, summary: dict[str, Any]) -> Path:
    """``summary`` written as the run folder ``<out>/<run_date>/`` (returned)."""
    folder = out / summary["run_date"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(dumps(summary), encoding="utf-8")
    return folder


@pytest.fixture
def run_folder(tmp_path) -> Path:
    return write_run(tmp_path / "reports", sample_summary())
