"""The form renderer: Django's, with the commonest widgets' HTML built in Python.

A select rendered by Django's templates includes one template per option, and
that template includes another for its attributes: the plan page's filter
(some sixty leads, recommendations, periods and levels) took about 10 ms of
each request to render its selects. `QuickRenderer` builds the same HTML,
byte for byte, for Django's own select and single-input widget templates
(tests/test_renderer.py compares the two on every such widget), and hands
any other template, or a widget with its own option template, to Django.

Settings: FORM_RENDERER = "plans.renderer.QuickRenderer".
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# Django's templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
INPUTS = {
    f"{WIDGETS}{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
}
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
VARIABLE = Context(autoescape=True)  # how `{{ value }}` shows a value: localised, then escaped unless safe


def shown(value) -> str:
    """`{{ value }}`."""
    return render_value_in_context(value, VARIABLE)


def as_string(value) -> str:
    """`{{ value|stringformat:'s' }}` (the filter keeps a safe value safe)."""
    text = stringformat(value, "s")
    return shown(mark_safe(text) if isinstance(value, SafeData) else text)


def attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {shown(name)}" if value is True else f' {shown(name)}="{as_string(value)}"')
    return "".join(parts)


def an_input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{as_string(widget["value"])}"'
    return f'<input type="{shown(widget["type"])}" name="{shown(widget["name"])}"{value}{attributes(widget["attrs"])}>'


def a_select(widget: dict) -> str:
    """django/forms/widgets/select.html with select_option.html for each option (whitespace included)."""
    parts = [f'<select name="{shown(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{shown(group_name)}">')
        for option in options:
            value, label = as_string(option["value"]), shown(option["label"])
            parts.append(f'\n  <option value="{value}"{attributes(option["attrs"])}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def own_options(widget: dict) -> bool:
    groups = widget["optgroups"]
    return all(option["template_name"] == OPTION for _name, options, _index in groups for option in options)


class QuickRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in INPUTS:
            return an_input(widget).strip()
        if template_name == SELECT and own_options(widget):
            return a_select(widget).strip()
        return super().render(template_name, context, request)
