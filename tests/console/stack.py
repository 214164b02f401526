"""A real redis-server and the console (subprocess) for the console's tests, with seeded
accounts and leads (written with market_entry.leads.store, as the dialogue writes them)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import redis
import requests

from market_entry.leads.model import (
    CONSENT_AGREED,
    ConsentRecord,
    Contact,
    Lead,
    ScoreItem,
    new_lead_id,
)
from market_entry.leads.store import LeadStore
from services.console.accounts import Accounts
from tests.e2e.harness import free_port, redis_server_binary

REPO = Path(__file__).resolve().parents[2]
SECRET = "test-console-secret-not-real-0123456789abcdef"
PASSWORD = "correct-horse-battery"
ACCOUNTS = {  # username → (desk, role)
    "ming.jp": ("jp", "officer"),
    "amy.jp": ("jp", "officer"),
    "john.us": ("us", "officer"),
    "boss": ("us", "supervisor"),
    "locked.jp": ("jp", "officer"),
}


EVENT = "tw-jp-matchmaking-osaka-2027"          # a real event of knowledge/events/events.yml
EVENT_NAME = "臺日產業合作商機洽談會（大阪）"


def make_lead(desk="jp", score=50, days_ago=1.0, company="好棒電器", name="陳小明",
              phone="0912-345-678", markets=("jp",), email="ming@example.tw",
              products=("appliances",), timeline="within_3_months", size_band="small") -> Lead:
    """A lead as the hand-off writes it: codes for markets, products, timeline, size band,
    consent, screening outcome and rules, score factors."""
    created = datetime.now(timezone.utc) - timedelta(days=days_ago)
    return Lead(
        id=new_lead_id(), created=created.isoformat(), desk=desk, score=score,
        explanation=(ScoreItem("timeline", timeline, 25,
                               {"zh-TW": "預計三個月內進入市場：+25", "en": "Within 3 months: +25"}),
                     ScoreItem("export_experience", "has_exported", 15,
                               {"zh-TW": "出口經驗：已有出口經驗 +15",
                                "en": "Export experience: has exported before +15"})),
        contact=Contact(company=company, ubn="04595257", name=name, title="經理", phone=phone,
                        email=email),
        consent=ConsentRecord("2026-12-v1", created.isoformat(), CONSENT_AGREED),
        products=products, markets=markets, export_experience=True, english_materials="unknown",
        size_band=size_band, timeline=timeline, help_wanted="想找當地代理商", summary="小家電外銷",
        screening={"event": EVENT, "outcome": "needs_review",
                   "rules": {"sme": "met", "registered_company": "met", "sector_in": "not_met",
                             "export_experience": "unknown"}},
        transcript=({"from": "owner", "text": "想賣到日本需要什麼認證？"},
                    {"from": "bot", "text": "日本的電器需要 PSE 認證。"}),
    )


class ConsoleStack:
    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.redis_port = free_port()
        self.port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.base = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.redis_process: subprocess.Popen | None = None
        self.process: subprocess.Popen | None = None
        self.leads: dict[str, Lead] = {}

    def log_path(self) -> Path:
        return self.folder / "console.log"

    def log_text(self) -> str:
        path = self.log_path()
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis_url, socket_timeout=2)

    def env(self) -> dict[str, str]:
        env = dict(os.environ, REDIS_URL=self.redis_url, CONSOLE_PORT=str(self.port),
                   CONSOLE_HOST="127.0.0.1", CONSOLE_SECRET_KEY=SECRET,
                   CONSOLE_SECURE_COOKIES="0", PYTHONPATH=str(REPO))
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        (self.folder / "redis").mkdir(exist_ok=True)
        self.redis_process = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--dir", str(self.folder / "redis"), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = self.client()
        self._wait(lambda: client.ping(), "redis-server")
        self.seed()
        log = self.log_path().open("w")
        self.process = subprocess.Popen([sys.executable, "-m", "services.console.app"],
                                        cwd=REPO, env=self.env(), stdout=log,
                                        stderr=subprocess.STDOUT)
        self._wait(lambda: urllib.request.urlopen(self.base + "/health", timeout=1).status == 200,
                   "the console", self.process)

    def _wait(self, check, what: str, process: subprocess.Popen | None = None) -> None:
        for _ in range(200):
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{what} exited with {process.returncode}")
            try:
                if check():
                    return
            except Exception:  # noqa: BLE001 - not up yet
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{what} did not start")

    def seed(self) -> None:
        accounts = Accounts(self.client())
        for username, (desk, role) in ACCOUNTS.items():
            accounts.create(username, PASSWORD, desk, role)
        store = LeadStore(self.client())
        seeds = {
            "jp-high": make_lead("jp", 90, 2, company="高分精機"),
            "jp-old": make_lead("jp", 60, 20, company="老字號食品", products=("food",),
                                timeline="3_to_12_months", size_band="micro"),
            "jp-new": make_lead("jp", 60, 1, company="新創科技", products=("electronics",)),
            "jp-low": make_lead("jp", 10, 5, company="小小工坊", markets=("jp", "us"),
                                products=("bicycles",), timeline="later", size_band="medium"),
            "us-one": make_lead("us", 80, 3, company="美國通商", name="王大同",
                                phone="02-2345-6789", markets=("us",), email="datong@example.com",
                                products=("machinery",), timeline="unknown", size_band="large"),
            "eu-one": make_lead("eu", 70, 4, company="歐洲精品", name="林小華",
                                phone="04-2345-6789", markets=("eu",), email="hua@example.org",
                                products=("cosmetics",)),
        }
        for name, lead in seeds.items():
            store.create(lead, f"conv-{name}", f"conv-{name}#1")
        self.leads = seeds

    def stop(self) -> None:
        for process in (self.process, self.redis_process):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

    # HTTP helpers --------------------------------------------------------------------------
    def login(self, username: str, password: str = PASSWORD) -> requests.Session:
        session = requests.Session()
        response = self.post_login(session, username, password)
        assert response.status_code == 302, response.text[:300]
        session.csrf = self.csrf_of(session)
        return session

    def post_login(self, session: requests.Session, username: str, password: str):
        page = session.get(self.base + "/login", allow_redirects=False)
        token = csrf_from(page.text)
        return session.post(self.base + "/login", data={"csrf": token, "username": username,
                                                        "password": password},
                            allow_redirects=False)

    def csrf_of(self, session: requests.Session) -> str:
        return session.get(self.base + "/api/me").json()["csrf"]


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)
