"""Shared fixtures: a small, hand-written knowledge folder and the real one."""

from __future__ import annotations

import shutil
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
REAL_KNOWLEDGE = REPO / "knowledge"


@lru_cache(maxsize=1)
def real_knowledge_base():
    """The real packs, loaded once per test run (parsing 380 entries takes about a second)."""
    from market_entry.knowledge import load_knowledge

    return load_knowledge(REAL_KNOWLEDGE)

JP_ENTRIES = """\
entries:
  - id: jp-certification-pse
    topic: certification
    title: {zh-TW: 電氣用品須符合 PSE, en: Electrical products need PSE conformity}
    questions:
      zh-TW: [賣小家電到日本需要什麼認證？, PSE 是什麼？]
      en: ["What certification do appliances need for Japan?"]
    answer:
      zh-TW: 日本的電氣用品安全法要求電氣用品符合技術基準並標示 PSE 標章，由日本進口業者向經濟產業省申報。
      en: Japan's Electrical Appliance and Material Safety Act requires the PSE mark.
    sources:
      - {title: METI PSE, url: "https://www.meti.go.jp/policy/consumer_safety/"}
    checked: 2026-11-01
    review_by: 2027-05-01
    products: [appliances, electronics]
    certifications: [pse]
  - id: jp-certification-giteki
    topic: certification
    title: {zh-TW: 無線產品須取得技適, en: Wireless devices need Giteki}
    questions:
      zh-TW: [藍牙耳機賣日本要什麼認證？]
      en: ["Do Bluetooth devices need approval in Japan?"]
    answer:
      zh-TW: 依日本電波法，無線設備須取得技術基準適合證明（技適）。
    sources:
      - {title: MIC Radio Act, url: "https://www.tele.soumu.go.jp/"}
    checked: 2026-11-01
    review_by: 2027-05-01
    products: [wireless]
    certifications: [giteki]
"""

JP_LABELLING = """\
entries:
  - id: jp-labelling-food
    topic: labelling
    title: {zh-TW: 食品標示依食品標示法, en: Food labelling under the Food Labeling Act}
    questions:
      zh-TW: [日本食品標示規定？, 零食外包裝標籤要寫什麼？]
      en: ["What goes on a food label in Japan?"]
    answer:
      zh-TW: 日本食品標示法規定名稱、原材料、過敏原、營養成分等標示。
    sources:
      - {title: CAA food labelling, url: "https://www.caa.go.jp/policies/policy/food_labeling/"}
    checked: 2026-11-01
    review_by: 2027-05-01
    products: [food]
  - id: jp-labelling-household
    topic: labelling
    title: {zh-TW: 家庭用品品質標示, en: Household goods quality labelling}
    questions:
      zh-TW: [家電在日本要怎麼標示？, 日本商品標籤規定]
      en: ["How must household goods be labelled in Japan?"]
    answer:
      zh-TW: 家庭用品品質表示法規定電氣器具等商品須以日文標示品質資訊。
    sources:
      - {title: CAA household goods, url: "https://www.caa.go.jp/policies/policy/representation/household_goods/"}
    checked: 2026-11-01
    review_by: 2027-05-01
    products: [appliances, textiles]
"""

US_ENTRIES = """\
entries:
  - id: us-tariffs-overview
    topic: tariffs
    title: {zh-TW: 美國進口關稅, en: US import tariffs}
    questions:
      zh-TW: [出口美國關稅多少？, 對等關稅怎麼算？]
      en: ["What tariff applies to goods from Taiwan?"]
    answer:
      zh-TW: 美國關稅依 HTSUS 稅則號列而定，另有額外關稅措施。
    sources:
      - {title: USITC HTS, url: "https://hts.usitc.gov/"}
    checked: 2026-11-01
    review_by: 2027-01-15
    volatile: true
"""


ENTRY_TEMPLATE_IP = """\
entries:
  - id: jp-ip-trademark
    topic: ip
    title: {zh-TW: 在日本註冊商標, en: Registering a trademark in Japan}
    questions: {zh-TW: [日本商標怎麼註冊？], en: ["How do I register a trademark in Japan?"]}
    answer: {zh-TW: 向日本特許廳申請商標註冊。, en: Apply to the Japan Patent Office.}
    sources: [{title: JPO, url: "https://www.jpo.go.jp/"}]
    checked: 2026-11-01
    review_by: 2027-05-01
"""


def write_knowledge(root: Path, extra: dict[str, str] | None = None) -> Path:
    """A small knowledge folder: the real shared files plus a few hand-written entries."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("topics.yml", "desks.yml", "vocabulary.yml", "countries.yml",
                 "question_words.yml"):
        shutil.copy(REAL_KNOWLEDGE / name, root / name)
    files = {
        "markets/jp/market.yml": (REAL_KNOWLEDGE / "markets/jp/market.yml").read_text("utf-8"),
        "markets/us/market.yml": (REAL_KNOWLEDGE / "markets/us/market.yml").read_text("utf-8"),
        "markets/vn/market.yml": (REAL_KNOWLEDGE / "markets/vn/market.yml").read_text("utf-8"),
        "markets/jp/certification.yml": JP_ENTRIES,
        "markets/jp/labelling.yml": JP_LABELLING,
        "markets/us/tariffs.yml": US_ENTRIES,
    }
    files.update(extra or {})
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    # The shared countries.yml groups packs this small folder does not have: keep only its own.
    present = {p.name for p in (root / "markets").iterdir()}
    countries = yaml.safe_load((root / "countries.yml").read_text("utf-8"))
    for group in countries["groups"]:
        group["markets"] = [m for m in group["markets"] if m in present]
    (root / "countries.yml").write_text(yaml.safe_dump(countries, allow_unicode=True), "utf-8")
    return root


@pytest.fixture
def small_knowledge(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "knowledge")
