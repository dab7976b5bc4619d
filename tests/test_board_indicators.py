"""The indicators page: the table with direction of travel, charts, and entering a month's value."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Indicator, IndicatorValue


def page(client, plan, number=3):
    return reverse("board-indicators", args=[plan.slug, number])


@pytest.fixture
def assessments(thurrock):
    return Indicator.objects.get(priority__plan=thurrock, name="% Assessments in 45 days")


def test_the_indicator_table_shows_months_values_and_a_chart_with_its_figures(client, alice, thurrock):
    client.force_login(alice)
    response = client.get(page(client, thurrock))
    assert response.status_code == 200
    months = response.context["months"]
    assert months[0] == date(2017, 7, 1)
    assert months[-1] == date(2017, 12, 1)
    row = response.context["rows"][0]
    assert row.indicator.name == "% Assessments in 45 days"
    assert [str(v) for v in row.cells] == ["94.60", "92.90", "88.80", "94.50", "89.80", "98.10"]
    assert "<title>% Assessments in 45 days</title>" in str(row.chart)
    assert "2017/18: Jul 94.6," in str(row.chart)  # as written, not the stored 94.60


def test_direction_of_travel_follows_the_polarity(client, alice, thurrock, assessments):
    assessments.polarity = "higher"
    assessments.comparator = Decimal("99")
    assessments.save()
    client.force_login(alice)
    row = client.get(page(client, thurrock)).context["rows"][0]
    assert row.direction == "improving"  # 89.8 → 98.1, higher is better
    assert row.behind  # 98.1 is below the SN average of 99
    assessments.polarity = "lower"
    assessments.save()
    row = client.get(page(client, thurrock)).context["rows"][0]
    assert row.direction == "worsening"


def test_an_owner_enters_a_month_and_it_is_in_the_history(client, alice, thurrock, assessments):
    client.force_login(alice)
    response = client.post(
        page(client, thurrock), {"indicator": assessments.pk, "month": "2018-01", "value": "91.5"}, follow=True
    )
    assert "Added % Assessments in 45 days: Jan 2018 = 91.5." in response.content.decode()
    value = IndicatorValue.objects.get(indicator=assessments, month=date(2018, 1, 1))
    assert value.value == Decimal("91.5")
    assert value.history.latest().history_user == alice


def test_entering_a_month_that_has_a_value_changes_it_and_keeps_the_old_one(client, alice, thurrock, assessments):
    client.force_login(alice)
    client.post(page(client, thurrock), {"indicator": assessments.pk, "month": "2017-12", "value": "97"})
    value = IndicatorValue.objects.get(indicator=assessments, month=date(2017, 12, 1))
    assert value.value == Decimal("97")
    assert [r.value for r in value.history.order_by("history_date")] == [Decimal("98.10"), Decimal("97.00")]


def test_a_bad_value_is_named_and_nothing_changes(client, alice, thurrock, assessments):
    client.force_login(alice)
    before = IndicatorValue.objects.count()
    response = client.post(page(client, thurrock), {"indicator": assessments.pk, "month": "Dec", "value": "lots"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Month: enter a month and year, such as Dec 2017." in text
    assert "Value: enter a number, such as 87.5." in text
    assert IndicatorValue.objects.count() == before


def test_a_board_member_reads_but_cannot_enter_values(client, thurrock, assessments):
    client.force_login(get_user_model().objects.get(username="board"))
    assert "Enter a month" not in client.get(page(client, thurrock)).content.decode()
    response = client.post(page(client, thurrock), {"indicator": assessments.pk, "month": "2018-01", "value": "1"})
    assert response.status_code == 403
    assert not IndicatorValue.objects.filter(month=date(2018, 1, 1)).exists()
