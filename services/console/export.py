"""The CSV export: the queue's rows as officers open them in Excel — UTF-8 with a BOM, Chinese
column names, and words instead of codes (the JSON API keeps the codes for integrations).
Contact columns are filled only for desks whose personal data the officer may export."""

from __future__ import annotations

import csv
import io

from services.console.cases import Case
from services.console.labels import Labels
from services.console.workflow import Officer

CSV_COLUMNS = ("案件編號", "建立時間（臺北）", "窗口", "目標市場", "產品", "公司規模", "預計時程",
               "分數", "活動資格初審", "狀態", "負責人", "媒合金額（新臺幣）", "MOU", "POC",
               "公司名稱", "統一編號", "聯絡人", "職稱", "電話", "電子郵件")
CONTACT_COLUMNS = ("公司名稱", "統一編號", "聯絡人", "職稱", "電話", "電子郵件")


def _cell(value: str) -> str:
    """Spreadsheet formula injection: a cell never starts with = + - @ or a tab."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _screening(lead, labels: Labels) -> str:
    if not lead.screening:
        return "未做初審"
    return (f"{labels.event(lead.screening.get('event', ''))}："
            f"{labels.screening(lead.screening.get('outcome', ''))}")


def export_csv(cases: list[Case], officer: Officer, labels: Labels) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    signed = {True: "已簽", False: "未簽"}
    for case in cases:
        lead = case.lead
        contact = lead.contact
        row = [lead.id, case.created_local.strftime("%Y-%m-%d %H:%M"), labels.desk(lead.desk),
               labels.markets(lead.markets), labels.products(lead.products),
               labels.size_band(lead.size_band), labels.timeline(lead.timeline), str(lead.score),
               _screening(lead, labels), labels.case_status(case), case.assignee,
               "" if case.amount is None else str(case.amount),
               signed[case.mou], signed[case.poc]]
        if officer.export_contacts(lead.desk):
            row += [contact.company, contact.ubn, contact.name, contact.title, contact.phone,
                    contact.email]
        else:
            row += [""] * len(CONTACT_COLUMNS)
        writer.writerow([_cell(str(v)) for v in row])
    return "\ufeff" + out.getvalue()
