"""Inline SVG charts rendered on the server (no JavaScript, no external assets)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from markupsafe import Markup

from services.console.cases import TAIPEI
from services.console.kpi import Programme
from services.console.labels import Labels

PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#d4882b", "#7d3c98", "#16a085", "#7f8c8d")
DESK_COLOURS = {"us": PALETTE[0], "jp": PALETTE[1], "eu": PALETTE[2], "emerging": PALETTE[3]}


def desk_colour(desk: str, index: int = 0) -> str:
    return DESK_COLOURS.get(desk) or PALETTE[index % len(PALETTE)]


def desk_colours(desks: tuple[str, ...]) -> dict[str, str]:
    return {desk: desk_colour(desk, i) for i, desk in enumerate(desks)}


def local_time(iso: str) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return ""


def _nice_step(peak: float) -> int:
    """A grid step so that four steps cover `peak`: whole numbers, tens above ten."""
    step = max(1, -(-int(peak) // 4))
    return step if step <= 10 else -(-step // 10) * 10


def monthly_chart(months: list[str], table, desks: tuple[str, ...], labels: Labels) -> Markup:
    """Stacked bars of matchmaking cases per month and desk, with the leads of each month as a
    line of dots; accessible title and description, scales to its container."""
    width, height, left, bottom, top = 640, 260, 40, 30, 20
    plot_h = height - bottom - top
    slot = (width - left - 10) / len(months)
    colours = desk_colours(desks)
    cases = [[table[d][m].cases for d in desks] for m in months]
    leads = [sum(table[d][m].leads for d in desks) for m in months]
    step = _nice_step(max([sum(c) for c in cases] + leads + [1]))
    peak = step * 4

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / peak

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="kpi-t kpi-d" '
             'class="chart" xmlns="http://www.w3.org/2000/svg">',
             '<title id="kpi-t">每月媒合案件數（依窗口）與諮詢服務數</title>',
             '<desc id="kpi-d">長條：媒合案件數；圓點：諮詢服務（案件）數</desc>']
    parts += _grid(y, step, left, width)
    for index, month in enumerate(months):
        x = left + slot * index + slot * 0.2
        base = 0
        for desk, count in zip(desks, cases[index], strict=True):
            if count:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y(base + count):.1f}" width="{slot * 0.6:.1f}" '
                    f'height="{y(base) - y(base + count):.1f}" fill="{colours[desk]}">'
                    f'<title>{escape(month)} {escape(labels.desk(desk))}：{count} 件</title></rect>')
                base += count
        parts.append(f'<text x="{x + slot * 0.3:.1f}" y="{height - 10}" text-anchor="middle" '
                     f'font-size="11">{int(month[5:])}月</text>')
        if leads[index]:
            parts.append(f'<circle cx="{x + slot * 0.3:.1f}" cy="{y(leads[index]):.1f}" r="4" '
                         f'fill="#333"><title>{escape(month)} 諮詢服務 {leads[index]} 件</title>'
                         '</circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _grid(y, step: int, left: int, width: int) -> list[str]:
    parts = []
    for i in range(5):
        value = step * i
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'font-size="11">{value}</text>')
    return parts


def period_chart(progress: Programme) -> Markup:
    """The programme period month by month: cumulative matchmaking cases of all desks (solid,
    up to this month) against the even pace to the target (dashed), with a line per year."""
    targets = progress.targets
    width, height, left, bottom, top = 640, 240, 44, 30, 20
    plot_h = height - bottom - top
    count = len(progress.cumulative_cases)
    slot = (width - left - 10) / count
    step = _nice_step(max(targets.matchmaking_cases, *progress.cumulative_cases, 1))
    peak = step * 4

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / peak

    def x(month_index: float) -> float:
        return left + slot * month_index

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="pace-t pace-d" '
             'class="chart" xmlns="http://www.w3.org/2000/svg">',
             '<title id="pace-t">計畫期間累計媒合案件數與目標進度</title>',
             '<desc id="pace-d">實線：全部窗口累計媒合案件數；虛線：平均進度'
             f'（{targets.matchmaking_cases} 件平均分配於計畫期間）</desc>']
    parts += _grid(y, step, left, width)
    for index, year in enumerate(targets.years):
        start = x(index * 12)
        parts.append(f'<line x1="{start:.1f}" x2="{start:.1f}" y1="{top}" y2="{top + plot_h}" '
                     'stroke="#ccc" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{start + slot * 6:.1f}" y="{height - 10}" text-anchor="middle" '
                     f'font-size="11">{year - 1911}年（{year}）</text>')
    parts.append(f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(count):.1f}" '
                 f'y2="{y(targets.matchmaking_cases):.1f}" stroke="#888" stroke-width="2" '
                 f'stroke-dasharray="6 4"><title>平均進度：{targets.matchmaking_cases} 件'
                 '</title></line>')
    shown = progress.cumulative_cases[:progress.months_elapsed]
    if shown:
        points = " ".join(f"{x(i + 1):.1f},{y(v):.1f}" for i, v in enumerate(shown))
        parts.append(f'<polyline points="{x(0):.1f},{y(0):.1f} {points}" fill="none" '
                     'stroke="#1f5fa8" stroke-width="2.5"/>')
        last = len(shown)
        parts.append(f'<circle cx="{x(last):.1f}" cy="{y(shown[-1]):.1f}" r="4" fill="#1f5fa8">'
                     f'<title>累計 {shown[-1]} 件</title></circle>')
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
