"""Entering one month's value of an indicator on the web, checked field by field."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from plans.cells import read_month
from plans.models import Indicator, IndicatorValue


@dataclass
class Entry:
    errors: dict[str, str] = field(default_factory=dict)
    value: IndicatorValue | None = None
    created: bool = False


def record_value(indicators: list[Indicator], data) -> Entry:
    """Create or change the value for (indicator, month); nothing is saved when a field is wrong."""
    entry = Entry()
    by_id = {str(i.pk): i for i in indicators}
    indicator = by_id.get(str(data.get("indicator", "")))
    if indicator is None:
        entry.errors["indicator"] = "Indicator: choose one of this priority's indicators."
    month = read_month(data.get("month", ""))
    if month is None:
        entry.errors["month"] = "Month: enter a month and year, such as Dec 2017."
    try:
        number = Decimal(str(data.get("value", "")).strip().rstrip("%"))
        if not number.is_finite() or abs(number) >= 10**10:
            raise InvalidOperation
    except InvalidOperation:
        entry.errors["value"] = "Value: enter a number, such as 87.5."
    if entry.errors:
        return entry
    existing = IndicatorValue.objects.filter(indicator=indicator, month=month).first()
    if existing is None:
        entry.value = IndicatorValue.objects.create(indicator=indicator, month=month, value=number)
        entry.created = True
    else:
        existing.value = number
        existing.save()
        entry.value = existing
    return entry
