"""The quick form renderer writes exactly what Django's templates write, for every widget it builds itself."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.owner.filters import MeasureFilter
from plans.renderer import INPUTS, QuickRenderer
from tests.factories import build_plan

DJANGO = DjangoTemplates()
QUICK = QuickRenderer()

INPUT_WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.FileInput,
    forms.ColorInput,
    forms.SearchInput,
    forms.TelInput,
]
SELECT_WIDGETS = [forms.Select, forms.SelectMultiple, forms.NullBooleanSelect]
CHOICES = [
    ("", "All"),
    (1, "Priority 1 & <b>2</b>"),
    ('a"b', mark_safe("<i>safe</i>")),
    (3, 3),
    ("Group 'one'", [(4, "Four"), (5, "Five")]),
    (Decimal("2.5"), datetime.date(2018, 1, 31)),
]
ATTRS = [{}, {"id": "id_x", "class": 'a"b', "required": True, "disabled": False, "maxlength": 200, "type": "search"}]
text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


def both(widget, name, value, attrs):
    return widget.render(name, value, attrs, renderer=DJANGO), widget.render(name, value, attrs, renderer=QUICK)


def test_every_template_it_builds_is_one_of_djangos_plain_input_templates():
    assert {widget.template_name for widget in INPUT_WIDGETS} == INPUTS


@pytest.mark.parametrize("widget_class", INPUT_WIDGETS)
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize(
    "value", [None, "", "plain", 'a "quoted" <tag> & more', mark_safe("<b>safe</b>"), 0, 1234567, True, Decimal("2.50")]
)
def test_an_input_is_written_as_django_writes_it(widget_class, attrs, value):
    django, quick = both(widget_class(attrs=attrs), "field", value, None)
    assert quick == django


@pytest.mark.parametrize("widget_class", SELECT_WIDGETS)
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", 1, "1", ["1", "5"], 'a"b', "unknown", True, False])
def test_a_select_is_written_as_django_writes_it(widget_class, attrs, value):
    if widget_class is forms.NullBooleanSelect:
        if isinstance(value, list):
            return  # a yes/no/unknown select has one value
        widget = widget_class(attrs=attrs)
    else:
        widget = widget_class(attrs, CHOICES)
    django, quick = both(widget, "level", value, {"id": "id_level"})
    assert quick == django


@settings(max_examples=60, deadline=None)
@given(name=text, label=text, value=text, attribute=text)
def test_any_text_in_a_select_or_an_input_is_escaped_as_django_escapes_it(name, label, value, attribute):
    select = forms.Select({"title": attribute}, [(value, label), ("x", label)])
    assert both(select, name or "n", value, None)[1] == both(select, name or "n", value, None)[0]
    field = forms.TextInput({"placeholder": attribute})
    assert both(field, name or "n", value, None)[1] == both(field, name or "n", value, None)[0]


def test_a_widget_with_its_own_templates_is_left_to_django():
    class Stars(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    radio = forms.RadioSelect(choices=[(1, "One")])
    for widget in (Stars(choices=[(1, "One")]), radio, forms.Textarea()):
        django, quick = both(widget, "x", 1, {"id": "id_x"})
        assert quick == django


@pytest.mark.django_db
def test_the_plan_pages_filter_renders_as_it_did_with_djangos_templates():
    plan = build_plan(priorities=2, measures_per_priority=3, periods=3)
    periods = list(plan.periods.all())
    filterset = MeasureFilter({"priority": plan.priorities.first().pk}, plan=plan, periods=periods)
    form_class = filterset.get_form_class()
    quick, django = form_class(filterset.data), form_class(filterset.data, renderer=DJANGO)
    assert quick.renderer is not django.renderer
    assert [str(quick[name]) for name in quick.fields] == [str(django[name]) for name in django.fields]
    assert "selected" in str(quick["priority"])
