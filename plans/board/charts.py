"""Server-rendered SVG charts: a priority's score trend and an indicator's year-on-year lines.

Each chart carries a <title> and <desc>; the pages put the same figures in a
table beside it, so nothing is only in the picture. Built as strings here (not
in templates) because the geometry is arithmetic; every text is escaped.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from html import escape

from django.utils.safestring import SafeString, mark_safe

# The performance report reads a financial year, April to March.
FY_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
MONTH_ABBR = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
# The latest year is drawn solid and dark; earlier ones lighter and dashed (never colour alone).
YEAR_STYLES = [("#1d3557", ""), ("#6f777b", "6 3"), ("#b1b4b6", "2 3"), ("#b1b4b6", "8 2 2 2")]


def figure(value):
    """A figure as people write it: 73.20 → "73.2", 100.00 → "100", 0.50 → "0.5" (values are stored with two
    decimals). Text that is not a plain number ("95%", "n/a") and None are given back unchanged.

    >>> figure(Decimal("73.20")), figure(Decimal("100.00")), figure("0.50"), figure("95%"), figure(None)
    ('73.2', '100', '0.5', '95%', None)
    """
    if value is None or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    return format(number.normalize(), "f")


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def trend_svg(title: str, points: Sequence[tuple[str, Decimal | None]], low: int, high: int) -> SafeString:
    """A small line of a score over periods, on the scale's range (low..high)."""
    width, height, pad = 160, 48, 6
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    span = max(high - low, 1)

    def y(score: Decimal) -> float:
        return height - pad - (float(score) - low) / span * (height - 2 * pad)

    segments: list[list[str]] = [[]]
    dots = []
    for index, (_label, score) in enumerate(points):
        if score is None:
            segments.append([])
            continue
        x = pad + index * step
        segments[-1].append(f"{_fmt(x)},{_fmt(y(score))}")
        dots.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y(score))}" r="2.5" fill="#1d3557"/>')
    lines = [
        f'<polyline points="{" ".join(seg)}" fill="none" stroke="#1d3557" stroke-width="2"/>'
        for seg in segments
        if len(seg) > 1
    ]
    desc = "; ".join(f"{label}: {score if score is not None else 'not rated'}" for label, score in points)
    guide = (
        f'<line x1="{pad}" x2="{width - pad}" y1="{_fmt(y(Decimal(3)))}" y2="{_fmt(y(Decimal(3)))}" stroke="#cce2d8"/>'
    )
    return mark_safe(  # noqa: S308 - every text inside is escaped above
        f'<svg class="trend" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
        f"{guide if low <= 3 <= high else ''}{''.join(lines)}{''.join(dots)}</svg>"
    )


def financial_year(month: date) -> str:
    start = month.year if month.month >= 4 else month.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class YearSeries:
    label: str
    values: list[Decimal | None]  # twelve, April..March


def year_series(values: Sequence[tuple[date, Decimal]]) -> list[YearSeries]:
    """Monthly values grouped into financial years, oldest first, each April..March."""
    years: dict[str, list[Decimal | None]] = {}
    for month, value in sorted(values):
        row = years.setdefault(financial_year(month), [None] * 12)
        row[FY_MONTHS.index(month.month)] = value
    return [YearSeries(label, row) for label, row in sorted(years.items())]


def indicator_svg(name: str, series: Sequence[YearSeries], comparator: Decimal | None) -> SafeString:
    """This year against earlier years, month by month, with the comparator average as a line."""
    width, height = 560, 230
    left, right, top, bottom = 48, 110, 24, 34
    numbers = [float(v) for s in series for v in s.values if v is not None]
    if comparator is not None:
        numbers.append(float(comparator))
    if not numbers:
        return mark_safe("")
    low, high = min(0.0, min(numbers)), max(numbers)
    high = high * 1.1 if high > 0 else 1.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(index: int) -> float:
        return left + index * plot_w / 11

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    parts = [
        f'<line x1="{left}" x2="{left + plot_w}" y1="{_fmt(y(low))}" y2="{_fmt(y(low))}" stroke="#0b0c0c"/>',
        f'<text x="{left - 6}" y="{_fmt(y(high))}" text-anchor="end" font-size="11">{_fmt(high)}</text>',
        f'<text x="{left - 6}" y="{_fmt(y(low))}" text-anchor="end" font-size="11">{_fmt(low)}</text>',
    ]
    parts += [
        f'<text x="{_fmt(x(i))}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">{m}</text>'
        for i, m in enumerate(MONTH_ABBR)
    ]
    legend_y = top
    for rank, one in enumerate(reversed(series)):  # newest first for styling
        colour, dash = YEAR_STYLES[min(rank, len(YEAR_STYLES) - 1)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment: list[str] = []
        segments = []
        for index, value in enumerate(one.values):
            if value is None:
                segments.append(segment)
                segment = []
                continue
            segment.append(f"{_fmt(x(index))},{_fmt(y(float(value)))}")
            parts.append(f'<circle cx="{_fmt(x(index))}" cy="{_fmt(y(float(value)))}" r="3" fill="{colour}"/>')
        segments.append(segment)
        parts += [
            f'<polyline points="{" ".join(s)}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
            for s in segments
            if len(s) > 1
        ]
        lx = width - right + 10
        parts.append(
            f'<line x1="{lx}" x2="{lx + 22}" y1="{legend_y}" y2="{legend_y}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
            f'<text x="{lx + 26}" y="{legend_y + 4}" font-size="11">{escape(one.label)}</text>'
        )
        legend_y += 18
    if comparator is not None:
        cy = _fmt(y(float(comparator)))
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{cy}" y2="{cy}" stroke="#d4351c" stroke-dasharray="4 4"/>'
            f'<text x="{width - right + 10}" y="{legend_y + 4}" font-size="11" fill="#8e1b13">'
            f"SN average {escape(figure(comparator))}</text>"
        )
    desc = "; ".join(
        f"{one.label}: "
        + ", ".join(f"{m} {figure(v)}" for m, v in zip(MONTH_ABBR, one.values, strict=True) if v is not None)
        for one in series
    )
    if comparator is not None:
        desc += f"; statistical neighbour average {figure(comparator)}"
    return mark_safe(  # noqa: S308 - every text inside is escaped
        f'<svg class="indicator-chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(name)}</title><desc>{escape(desc)}</desc>{''.join(parts)}</svg>"
    )
