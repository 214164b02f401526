"""`python -m market_entry.leads replay|purge` against a real Redis."""

from __future__ import annotations

from market_entry.leads.__main__ import main
from market_entry.leads.spool import Spool
from market_entry.leads.store import LeadStore
from tests.integration.test_gaps_with_redis import redis_url  # noqa: F401 - fixture
from tests.integration.test_leads_redis import make_lead


def test_replay_delivers_spooled_leads_once(redis_url, tmp_path, capsys):  # noqa: F811
    import redis

    spool = Spool(tmp_path / "spool")
    spool.append(make_lead(), "conversation-1", "conversation-1:1")
    assert main(["replay", "--redis-url", redis_url, "--spool", str(tmp_path / "spool")]) == 0
    assert "1 spooled lead(s) delivered" in capsys.readouterr().out
    assert main(["replay", "--redis-url", redis_url, "--spool", str(tmp_path / "spool")]) == 0
    assert "0 spooled lead(s) delivered" in capsys.readouterr().out
    store = LeadStore(redis.Redis.from_url(redis_url))
    assert store is not None


def test_purge_and_unreachable_redis(redis_url, capsys):  # noqa: F811
    assert main(["purge", "--redis-url", redis_url]) == 0
    assert "past 365 days anonymised" in capsys.readouterr().out
    assert main(["purge", "--redis-url", "redis://127.0.0.1:1/0"]) == 1
    assert "nothing changed" in capsys.readouterr().err
