"""The board's query-string forms: which period's pack, and which frozen version of it."""

from django import forms


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
