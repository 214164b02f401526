"""Words, not codes: the zh-TW label of every code a page or the CSV export shows.

Names of desks, markets, products, trade events and score factors come from the knowledge folder
(services.console.knowledge); rule names and score values from the code that decides them
(market_entry.eligibility, market_entry.leads.scoring); the rest is the console's own wording
below. A code without a label (an event removed from the catalogue, say) is shown inside a
sentence that says so, never bare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from market_entry.eligibility import (
    ELIGIBLE,
    MET,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    NOT_MET,
    RULE_TYPES,
    UNKNOWN,
)
from market_entry.leads.model import (
    CONSENT_AGREED,
    CONSENT_DECLINED,
    STATUS_ERASED,
    STATUS_NEW,
    STATUS_PURGED,
)
from market_entry.leads.scoring import VALUE_NAMES
from services.console.cases import Case
from services.console.knowledge import Reference, desk_names
from services.console.workflow import OFFICER, STATUSES, SUPERVISOR

LANG = "zh-TW"
SEP = "、"

STATUS_NAMES = dict(zip(STATUSES, ("新案件", "已聯繫", "已確認需求", "已媒合", "已結案", "未成案"),
                        strict=True))
ROLE_NAMES = {OFFICER: "窗口專員", SUPERVISOR: "主管"}
RECORD_STATUSES = {STATUS_NEW: "有效", STATUS_ERASED: "已依當事人要求刪除個資",
                   STATUS_PURGED: "已逾保存期限刪除個資"}
SIZE_BANDS = {"micro": "微型（未滿5人）", "small": "小型（5–49人）", "medium": "中型（50–199人）",
              "large": "200人以上", "unknown": "未提供"}
CONSENT = {CONSENT_AGREED: "同意", CONSENT_DECLINED: "不同意"}
SCREENING = {ELIGIBLE: "符合資格", NEEDS_REVIEW: "需人工確認", NOT_ELIGIBLE: "不符合資格"}
RULE_RESULTS = {MET: "符合", NOT_MET: "不符合", UNKNOWN: "待確認"}
YES_NO = {True: "有", False: "沒有", "unknown": "不確定", None: "未詢問"}
PACE = {"on_track": "符合進度", "behind": "落後進度", "met": "已達成", "missed": "未達成",
        "not_started": "尚未開始"}
AUDIT_ACTIONS = {
    "login": "登入", "logout": "登出", "view_queue": "查看案件佇列", "view_lead": "查看案件",
    "claim": "認領案件", "assign": "指派案件", "status": "變更狀態", "note": "新增備註",
    "outcome": "登錄媒合成果", "view_kpi": "查看績效指標", "view_audit": "查看稽核紀錄",
    "export_csv": "匯出 CSV",
}


def roc_year(year: int) -> str:
    return f"民國{year - 1911}年"


def ntd(value: int | float | None) -> str:
    return "" if value is None else f"NT${int(round(value)):,}"


class Labels:
    """The labels of one Reference version (templates get one per page as `labels`)."""

    def __init__(self, reference: Reference) -> None:
        self.ref = reference
        self.desks = desk_names()

    # knowledge names -----------------------------------------------------------------------
    def desk(self, code: str) -> str:
        return self.desks.get(code) or f"未列於窗口清單的窗口（{code}）"

    def market(self, code: str) -> str:
        return self.ref.markets.get(code) or f"未收錄的市場（{code}）"

    def markets(self, codes: Iterable[str]) -> str:
        return SEP.join(self.market(c) for c in codes)

    def product(self, code: str) -> str:
        return self.ref.products.get(code) or f"未收錄的產品（{code}）"

    def products(self, codes: Iterable[str]) -> str:
        return SEP.join(self.product(c) for c in codes)

    def event(self, code: str) -> str:
        if not code:
            return "未指定活動"
        return self.ref.events.get(code) or f"活動目錄中已無此活動（{code}）"

    def factor(self, code: str) -> str:
        return self.ref.factors.get(code) or "其他評分項目"

    # the console's own words ---------------------------------------------------------------
    @staticmethod
    def status(code: str) -> str:
        return STATUS_NAMES.get(code, "未知狀態")

    @staticmethod
    def role(code: str) -> str:
        return ROLE_NAMES.get(code, "未知角色")

    def case_status(self, case: Case) -> str:
        """The workflow status, or what happened to the personal data of an anonymised lead."""
        return RECORD_STATUSES[case.lead.status] if case.erased else self.status(case.status)

    @staticmethod
    def record_status(code: str) -> str:
        return RECORD_STATUSES.get(code, "未知")

    @staticmethod
    def timeline(code: str) -> str:
        return VALUE_NAMES["timeline"].get(code or "unknown", VALUE_NAMES["timeline"]["unknown"])[
            LANG]

    @staticmethod
    def size_band(code: str) -> str:
        return SIZE_BANDS.get(code or "unknown", SIZE_BANDS["unknown"])

    @staticmethod
    def consent(code: str) -> str:
        return CONSENT.get(code, "未記錄")

    @staticmethod
    def yes_no(value) -> str:
        return YES_NO.get(value, "未詢問") if isinstance(value, (bool, str, type(None))) else "未詢問"

    @staticmethod
    def screening(code: str) -> str:
        return SCREENING.get(code, "未完成")

    @staticmethod
    def rule(code: str) -> str:
        rule = RULE_TYPES.get(code)
        return rule.label[LANG] if rule is not None else "其他資格條件"

    @staticmethod
    def rule_result(code: str) -> str:
        return RULE_RESULTS.get(code, "待確認")

    def score_value(self, factor: str, value: str) -> str:
        names = VALUE_NAMES.get(factor, {}).get(value)
        return names[LANG] if names else "—"

    @staticmethod
    def pace(code: str) -> str:
        return PACE.get(code, "—")

    # audit log -----------------------------------------------------------------------------
    @staticmethod
    def audit_action(code: str) -> str:
        return AUDIT_ACTIONS.get(code, "其他操作")

    def audit_detail(self, action: str, detail: str) -> str:
        """The entry's detail in words (the stream keeps the compact machine form)."""
        detail = detail or ""
        if action == "status" and "→" in detail:
            before, _, after = detail.partition("→")
            return f"{self.status(before)} → {self.status(after)}"
        if action in ("claim", "assign") and detail.startswith("assignee="):
            return f"負責人：{detail.removeprefix('assignee=')}"
        if action == "note" and (found := re.fullmatch(r"(\d+) characters", detail)):
            return f"{found.group(1)} 字"
        if action == "outcome":
            parts = dict(p.partition("=")[::2] for p in detail.split())
            amount = parts.get("amount", "")
            signed = {"1": "已簽", "0": "未簽"}
            return (f"{ntd(int(amount)) if amount.isdigit() else '金額未記錄'}；"
                    f"MOU {signed.get(parts.get('mou', ''), '未記錄')}；"
                    f"POC {signed.get(parts.get('poc', ''), '未記錄')}")
        if action in ("view_queue", "export_csv") and (
                found := re.fullmatch(r"(api )?(\d+) leads", detail)):
            return ("API：" if found.group(1) else "") + f"{found.group(2)} 筆"
        if action == "view_lead":
            return "API" if detail == "api" else ""
        if action == "view_kpi" and detail.isdigit():
            return f"{detail} 年"
        return ""
