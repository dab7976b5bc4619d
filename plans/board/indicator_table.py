"""A priority's indicator table: baseline, comparator, monthly values, YTD and direction of travel.

Direction of travel comes from the polarity (plans.rollup.rules.direction) on the two
latest monthly values; the chart sets this year against earlier years, month
by month, with the comparator average as a line (plans.board.charts).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString

from plans.board import charts
from plans.board.challenges import behind_comparator, indicator_direction
from plans.models import Indicator


@dataclass
class IndicatorRow:
    indicator: Indicator
    cells: list[Decimal | None]  # one per column month
    direction: str
    behind: bool
    series: list[charts.YearSeries]
    chart: SafeString


def column_months(indicators: list[Indicator]) -> list[date]:
    """The months of the latest financial year that any indicator has a value for, in order."""
    months = {value.month for indicator in indicators for value in indicator.values.all()}
    if not months:
        return []
    latest = charts.financial_year(max(months))
    return sorted(m for m in months if charts.financial_year(m) == latest)


def indicator_rows(indicators: list[Indicator]) -> tuple[list[date], list[IndicatorRow]]:
    """The table's month columns and one row per indicator (values prefetched in month order)."""
    months = column_months(indicators)
    rows = []
    for indicator in indicators:
        by_month = {value.month: value.value for value in indicator.values.all()}
        series = charts.year_series(list(by_month.items()))
        rows.append(
            IndicatorRow(
                indicator=indicator,
                cells=[by_month.get(month) for month in months],
                direction=indicator_direction(indicator),
                behind=behind_comparator(indicator),
                series=series,
                chart=charts.indicator_svg(indicator.name, series, indicator.comparator),
            )
        )
    return months, rows
