"""Inline SVG charts rendered on the server (no JavaScript, no external assets)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from markupsafe import Markup

from services.console.cases import TAIPEI
from services.console.workflow import DESK_NAMES

DESK_COLOURS = {"us": "#1f5fa8", "jp": "#c0392b", "eu": "#2e8b57", "emerging": "#d4882b"}


def local_time(iso: str) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ""


def monthly_chart(months: list[str], table, desks: tuple[str, ...]) -> Markup:
    """Stacked bars of matchmaking cases per month and desk, with the leads of each month as a
    line of dots; accessible title and description, scales to its container."""
    width, height, left, bottom, top = 640, 260, 40, 30, 20
    plot_h = height - bottom - top
    slot = (width - left - 10) / len(months)
    cases = [[table[d][m].cases for d in desks] for m in months]
    leads = [sum(table[d][m].leads for d in desks) for m in months]
    peak = max([sum(c) for c in cases] + leads + [1])
    step = max(1, -(-peak // 4))
    peak = step * 4

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / peak

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="kpi-t kpi-d" '
             'class="chart" xmlns="http://www.w3.org/2000/svg">',
             '<title id="kpi-t">每月媒合案件數（依窗口）與諮詢服務數</title>',
             '<desc id="kpi-d">長條：媒合案件數；圓點：諮詢服務（案件）數</desc>']
    for i in range(5):
        value = step * i
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'font-size="11">{value}</text>')
    for index, month in enumerate(months):
        x = left + slot * index + slot * 0.2
        base = 0
        for desk, count in zip(desks, cases[index], strict=True):
            if count:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y(base + count):.1f}" width="{slot * 0.6:.1f}" '
                    f'height="{y(base) - y(base + count):.1f}" fill="{DESK_COLOURS[desk]}">'
                    f'<title>{escape(month)} {escape(DESK_NAMES[desk])}：{count} 件</title></rect>')
                base += count
        parts.append(f'<text x="{x + slot * 0.3:.1f}" y="{height - 10}" text-anchor="middle" '
                     f'font-size="11">{int(month[5:])}月</text>')
        if leads[index]:
            parts.append(f'<circle cx="{x + slot * 0.3:.1f}" cy="{y(leads[index]):.1f}" r="4" '
                         f'fill="#333"><title>{escape(month)} 諮詢服務 {leads[index]} 件</title>'
                         '</circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


def progress_bars(items: list[tuple[str, int, int, str]]) -> Markup:
    """One bar per target: label, value, target, the text shown beside it."""
    parts = []
    for label, value, target, text in items:
        share = min(1.0, value / target) if target else 0.0
        parts.append(
            '<div class="progress"><div class="progress-label">'
            f'{escape(label)}<span>{escape(text)}（{share * 100:.1f}%）</span></div>'
            '<svg viewBox="0 0 300 14" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(label)} {share * 100:.1f}%" xmlns="http://www.w3.org/2000/svg">'
            '<rect width="300" height="14" rx="7" fill="#e4e8ee"/>'
            f'<rect width="{300 * share:.1f}" height="14" rx="7" fill="#1f5fa8"/></svg></div>')
    return Markup("".join(parts))
