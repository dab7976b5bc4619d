"""The board's query parameters, validated by forms: which period's pack and which frozen version of it, and
the moment an as-at view shows. A bad value gets a message naming the field, never a 500."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django import forms
from django.utils import timezone

from plans.board.as_at import end_of_day

DATE_HINT = "use the form 2018-02-28, or 2018-02-28T14:30 for a moment in the day"


class PackQueryForm(forms.Form):
    """?period=<label>&version=<n>; both optional (the default period, its latest frozen version)."""

    period = forms.CharField(label="Period", required=False, max_length=100)
    version = forms.IntegerField(
        label="Version",
        required=False,
        min_value=1,
        max_value=1_000_000,
        error_messages=dict.fromkeys(["invalid", "min_value", "max_value"], "enter a whole number, such as 2."),
    )


@dataclass(frozen=True)
class AsAt:
    """The moment an as-at view shows: a day's end, or a time of that day (site time zone)."""

    day: date
    time_of_day: time | None = None  # None: the end of the day

    @property
    def moment(self) -> datetime:
        if self.time_of_day is None:
            return end_of_day(self.day)
        return timezone.make_aware(datetime.combine(self.day, self.time_of_day))

    @property
    def param(self) -> str:
        """The ?as_at= value that gives this moment back: "2018-01-31" or "2018-01-31T10:30"."""
        return self.day.isoformat() if self.time_of_day is None else f"{self.day.isoformat()}T{self.time_of_day:%H:%M}"

    @property
    def label(self) -> str:
        """As the banner says it: "31 January 2018" (the end of that day) or "31 January 2018, 10:30"."""
        day = f"{self.day.day} {self.day:%B %Y}"
        return day if self.time_of_day is None else f"{day}, {self.time_of_day:%H:%M}"


class AsAtForm(forms.Form):
    """?as_at= a day ("2018-01-31") or a moment ("2018-01-31T10:30"); ?time= a time of that day ("10:30").

    Without a time the view shows the day's end: "as at 1 March" includes 1 March's changes.
    """

    as_at = forms.CharField(required=False, max_length=40, strip=True)
    time = forms.CharField(required=False, max_length=12, strip=True)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        text, time_text = cleaned.get("as_at", ""), cleaned.get("time", "")
        if not text:
            if time_text:
                self.add_error("as_at", "give a date as well as a time")
            return cleaned
        day, moment = _read_moment(text)
        if day is None:
            self.add_error("as_at", f"“{text}” is not a date; {DATE_HINT}")
            return cleaned
        if moment is None and time_text:
            try:
                moment = time.fromisoformat(time_text)
            except ValueError:
                self.add_error("time", f"“{time_text}” is not a time of day; use the form 14:30")
                return cleaned
        chosen = AsAt(day, moment.replace(tzinfo=None) if moment else None)
        if day > timezone.localdate():
            self.add_error("as_at", "the date must be today or earlier")
        elif chosen.time_of_day is not None and chosen.moment > timezone.now():
            self.add_error("time", "that moment is still to come; choose a time before now")
        else:
            cleaned["chosen"] = chosen
        return cleaned

    def chosen(self) -> AsAt | None:
        """The moment asked for, or None when none was (or it was not valid)."""
        return self.cleaned_data.get("chosen") if self.is_valid() else None

    def messages(self) -> list[str]:
        """Each problem as one message naming the field: "As at: “last tuesday” is not a date; …"."""
        names = {"as_at": "As at", "time": "As at, time"}
        return [f"{names.get(field, 'As at')}: {error}" for field, errors in self.errors.items() for error in errors]


def _read_moment(text: str) -> tuple[date | None, time | None]:
    """A day, with the time when the text has one ("2018-01-31T10:30" or "2018-01-31 10:30")."""
    try:
        if len(text) > 10:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = timezone.localtime(moment)
            return moment.date(), moment.time()
        return date.fromisoformat(text), None
    except (ValueError, OverflowError):
        return None, None
