"""What the funnel relies on: how far each opportunity got, from the recorded history (SPEC §3).

An opportunity *reached* a stage when the furthest open stage it has ever been in is
that stage or later; won counts as past every open stage.
"""

from __future__ import annotations

import os

import pytest

from crmcli.db import Database, resolve_url
from crmcli.services.context import unit
from crmcli.services.selling import pipeline
from crmcli.vocab import DEFAULT_STAGES

STAGES = pipeline.Pipeline(DEFAULT_STAGES)
OPEN = ["lead", "qualified", "proposal", "negotiation"]


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        (["lead"], "lead"),
        (["lead", "proposal"], "proposal"),  # skipped qualified
        (["lead", "qualified", "proposal", "qualified"], "proposal"),  # moved back
        (["lead", "negotiation", "lost"], "negotiation"),
        (["lead", "won"], "won"),
        (["lead", "won", "negotiation"], "won"),  # won once, reopened
        (["lost"], None),  # created straight as lost: never in an open stage
        (["lead", "retired_stage"], "lead"),  # keys no longer in the pipeline are ignored
        ([None, "qualified"], "qualified"),
    ],
)
def test_furthest(seen, expected):
    assert pipeline.furthest(seen, STAGES) == expected


def test_reached_counts_every_stage_up_to_the_furthest():
    assert [pipeline.reached("proposal", s, STAGES) for s in OPEN] == [True, True, True, False]
    assert pipeline.reached("proposal", "won", STAGES) is False
    assert all(pipeline.reached("won", s, STAGES) for s in [*OPEN, "won"])
    assert pipeline.reached("won", "lost", STAGES) is False
    assert not any(pipeline.reached(None, s, STAGES) for s in [*OPEN, "won"])


def test_stage_input_in_either_language():
    assert STAGES.parse("方案报价") == "proposal"
    assert STAGES.parse(" Negotiation ") == "negotiation"
    assert STAGES.parse("ＷＯＮ") == "won"  # full-width folded
    assert [s.key for s in STAGES.open] == OPEN and STAGES.first.key == "lead"


def test_furthest_by_opportunity_reads_the_recorded_history(crm, db):
    crm("customer", "add", "甲")
    crm("opportunity", "add", "甲", "跳过一个阶段", "--amount", "1")
    crm("opportunity", "stage", "O000001", "proposal")
    crm("opportunity", "add", "甲", "回退后输单", "--amount", "1")
    crm("opportunity", "stage", "O000002", "negotiation")
    crm("opportunity", "stage", "O000002", "qualified")
    crm("opportunity", "stage", "O000002", "lost", "--reason", "预算取消")
    crm("opportunity", "add", "甲", "赢单", "--amount", "1", "--stage", "qualified")
    crm("opportunity", "stage", "O000003", "won")
    crm("opportunity", "add", "甲", "新线索", "--amount", "1")
    crm("opportunity", "add", "甲", "已删除", "--amount", "1", "--stage", "negotiation")
    crm("opportunity", "delete", "O000005", "--yes")
    database = Database(resolve_url(os.environ["CRM_DB"]))
    try:
        with unit(database, None, write=False) as ctx:
            found = pipeline.furthest_by_opportunity(ctx)
            named = pipeline.furthest_by_opportunity(ctx, [5])
    finally:
        database.dispose()
    assert found == {1: "proposal", 2: "negotiation", 3: "won", 4: "lead"}
    assert named == {5: "negotiation"}
    reached = {
        s: sum(pipeline.reached(f, s, STAGES) for f in found.values()) for s in [*OPEN, "won"]
    }
    assert reached == {"lead": 4, "qualified": 3, "proposal": 3, "negotiation": 2, "won": 1}
