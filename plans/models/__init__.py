"""The plan's data model; see each module for its part."""

from plans.models.access import Membership
from plans.models.board import BoardPackSnapshot
from plans.models.indicator import Indicator, IndicatorValue
from plans.models.inspection import Inspection, Recommendation
from plans.models.jobs import ImportJob, PackRender, ReminderRun, StoredFile
from plans.models.manager import Comment, Evidence
from plans.models.plan import Action, Lead, Measure, Outcome, Period, Plan, Priority, PublishedScore, Rating
from plans.models.publishing import Publication, PublishingSettings
from plans.models.rollup import KeptCounts
from plans.models.scale import Level, Scale

__all__ = [
    "Action",
    "Comment",
    "Evidence",
    "BoardPackSnapshot",
    "ImportJob",
    "Indicator",
    "IndicatorValue",
    "Inspection",
    "KeptCounts",
    "Lead",
    "Level",
    "Measure",
    "Membership",
    "Outcome",
    "PackRender",
    "Period",
    "Plan",
    "Priority",
    "Publication",
    "PublishedScore",
    "PublishingSettings",
    "Rating",
    "Recommendation",
    "ReminderRun",
    "Scale",
    "StoredFile",
]
