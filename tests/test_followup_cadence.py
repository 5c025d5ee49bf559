"""Cadences (跟踪节奏): the memory curve, offset lists, named cadences, and their arithmetic.

SPEC §3: ``plan`` creates step 1 due at the start; ``done`` on step k creates step k+1
due at the *done date* plus the gap between offsets k and k+1, so a late touch shifts
the rest and keeps the spacing. Gaps are calendar arithmetic: month ends clamp, leap
days count.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from crmcli.errors import Invalid
from crmcli.services.relationship.followups import gap, next_due, offset_delta

MEMORY = ["0d", "3d", "7d", "15d", "30d", "60d", "90d", "180d"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- the arithmetic itself ---------------------------------------------------------------


def test_memory_curve_gaps_are_the_differences_of_its_offsets():
    done = at("2026-03-02T00:00")
    gaps = [(next_due(MEMORY, k, done, done) - done).days for k in range(1, 8)]
    assert gaps == [3, 4, 8, 15, 30, 30, 90]
    assert next_due(MEMORY, 8, done, done) is None  # after the last step, nothing


@pytest.mark.parametrize(
    ("offsets", "step", "done", "expected"),
    [
        # across a leap day: 27 Feb 2024 + 3 days is 1 March (29 Feb exists)
        (MEMORY, 1, "2024-02-27", "2024-03-01"),
        # the same in a common year: 27 Feb 2025 + 3 days is 2 March
        (MEMORY, 1, "2025-02-27", "2025-03-02"),
        # +30 days from 30 January crosses February: 29 days in 2024, 28 in 2025
        (MEMORY, 5, "2024-01-30", "2024-02-29"),
        (MEMORY, 5, "2025-01-30", "2025-03-01"),
        # a month from the 31st is the last day of the next month
        (["0d", "1m", "2m"], 1, "2025-01-31", "2025-02-28"),
        (["0d", "1m", "2m"], 1, "2024-01-31", "2024-02-29"),
        (["0d", "1m", "2m"], 2, "2025-03-31", "2025-04-30"),
        # a year from a leap day is 28 February
        (["0d", "1y"], 1, "2028-02-29", "2029-02-28"),
        # 1w -> 1m is "a month less a week", as the plan would have it
        (["0d", "2d", "1w", "1m"], 3, "2026-01-10", "2026-02-03"),
        # across the year end
        (MEMORY, 4, "2025-12-20", "2026-01-04"),
        (["0d", "2w"], 1, "2025-12-25", "2026-01-08"),
    ],
)
def test_next_step_falls_on_the_calendar_day(offsets, step, done, expected):
    assert next_due(offsets, step, at(done + "T00:00"), at(done + "T00:00")).date().isoformat() == (
        expected
    )


def test_next_step_keeps_the_time_of_day_of_the_step_before():
    due = at("2026-03-02T10:15")
    assert next_due(MEMORY, 1, at("2026-03-04T16:40"), due) == at("2026-03-07T10:15")


def test_gap_and_offsets():
    assert str(offset_delta("3d")) == "relativedelta(days=+3)"
    assert str(offset_delta("2w")) == "relativedelta(days=+14)"
    assert str(gap(["0d", "1w", "1m"], 2)) == "relativedelta(months=+1, days=-7)"


# -- through the command line ------------------------------------------------------------


@pytest.fixture
def customer(crm):
    crm("customer", "add", "苏州金鸡湖会展服务有限公司", "--level", "regular")
    crm("contact", "add", "C000001", "潘军", "--mobile", "139 6078 9987", "--role", "决策者")
    return "C000001"


def followups(db):
    return db.rows(
        "SELECT id, step, cadence, status, due_at, done_at, interaction_id FROM followup ORDER BY id"
    )


def test_plan_creates_step_one_and_shows_the_schedule(crm, db, customer):
    out = crm("followup", "plan", customer, "--start", "2024-02-26").stdout
    assert "step 1 of 8 due 2024-02-26" in out
    assert "2024-02-26 → 2024-02-29 → 2024-03-04 → 2024-03-12" in out  # leap year
    [row] = followups(db)
    assert (row["step"], row["cadence"], row["status"]) == (1, "memory", "pending")
    assert row["due_at"].startswith("2024-02-26 00:00:00")
    entry = db.one("SELECT action, entity, entity_code FROM audit_entry WHERE entity = 'followup'")
    assert entry == {"action": "create", "entity": "followup", "entity_code": "C000001"}


def test_done_logs_the_contact_and_creates_the_next_step_from_the_done_date(crm, db, customer):
    crm("followup", "plan", customer, "--start", "2024-02-26")
    out = crm(
        "followup", "done", "1", "--at", "2024-02-27 09:30", "--summary", "电话介绍方案"
    ).stdout
    assert "Done: follow-up 1" in out and "step 2 of memory" in out
    first, second = followups(db)
    assert first["status"] == "done" and first["done_at"].startswith("2024-02-27 09:30")
    # done a day late: step 2 is three days after the done date (leap day counted)
    assert (second["step"], second["status"]) == (2, "pending")
    assert second["due_at"].startswith("2024-03-01 00:00")
    record = db.one("SELECT id, channel, kind, summary, occurred_at FROM interaction")
    assert first["interaction_id"] == record["id"]
    assert record["channel"] == "phone" and record["summary"] == "电话介绍方案"
    assert record["occurred_at"].startswith("2024-02-27 09:30")
    # late again: step 3 is 4 days (7d - 3d) after this done date, not after the plan
    crm("followup", "done", "2", "--at", "2024-03-05")
    assert followups(db)[2]["due_at"].startswith("2024-03-09")


def test_a_whole_memory_curve_of_eight_touches_then_it_ends(crm, db, customer):
    crm("followup", "plan", customer, "--start", "2025-01-06")
    day = datetime(2025, 1, 6)
    for step in range(1, 9):
        row = followups(db)[-1]
        assert row["step"] == step
        result = crm("followup", "done", str(row["id"]), "--at", row["due_at"][:10])
        day = datetime.fromisoformat(row["due_at"][:10])
    assert "The cadence is complete" in result.stdout
    rows = followups(db)
    assert len(rows) == 8 and all(r["status"] == "done" for r in rows)
    assert day == datetime(2025, 7, 5)  # 6 January + 180 days, each touch on its day
    assert db.scalar("SELECT count(*) FROM interaction") == 8


def test_custom_offsets_and_named_cadences(crm, db, customer):
    crm("followup", "plan", customer, "--cadence", "0d,2d,1w,1m", "--start", "2025-01-31")
    assert followups(db)[0]["cadence"] == "0d,2d,1w,1m"
    crm("followup", "done", "1", "--at", "2025-01-31")
    crm("followup", "done", "2", "--at", "2025-02-02")
    crm("followup", "done", "3", "--at", "2025-02-07")
    # 1w -> 1m: a month less a week after 7 February
    assert followups(db)[3]["due_at"].startswith("2025-02-28")
    crm("followup", "cancel", "4")
    crm("config", "set", "followup.cadences.quick", "0d,1d,3d")
    crm("followup", "plan", customer, "--cadence", "QUICK", "--start", "2025-03-03")
    row = followups(db)[-1]
    assert (row["cadence"], row["step"]) == ("quick", 1)
    crm("config", "set", "followup.default_cadence", "quick")
    crm("followup", "cancel", str(row["id"]))
    crm("followup", "plan", customer, "--start", "2025-04-01")
    assert followups(db)[-1]["cadence"] == "quick"


def test_a_start_offset_other_than_zero(crm, db, customer):
    crm("followup", "plan", customer, "--cadence", "2d,5d", "--start", "2025-12-30")
    assert followups(db)[0]["due_at"].startswith("2026-01-01")


def test_done_next_none_stops_and_next_date_sets_the_next_step(crm, db, customer):
    crm("followup", "plan", customer, "--start", "2025-05-05")
    crm("followup", "done", "1", "--at", "2025-05-05", "--next", "2025-05-20")
    second = followups(db)[1]
    assert second["step"] == 2 and second["due_at"].startswith("2025-05-20")
    crm("followup", "done", "2", "--at", "2025-05-20", "--next", "none")
    assert [r["status"] for r in followups(db)] == ["done", "done"]


def test_done_on_a_single_touch_plans_nothing_unless_asked(crm, db, customer):
    crm("followup", "add", customer, "--due", "2025-06-02", "--note", "回访")
    crm("followup", "done", "1", "--at", "2025-06-02")
    assert len(followups(db)) == 1
    crm("followup", "add", customer, "--due", "2025-06-09", "--kind", "visit")
    data = json.loads(
        crm("followup", "done", "2", "--at", "2025-06-09", "--next", "auto", "-f", "json").stdout
    )
    assert data["next"]["due_at"] == "2025-06-12T00:00:00" and data["next"]["kind"] == "visit"
    assert data["next"]["step"] is None
    assert db.one("SELECT channel FROM interaction WHERE id = :i", i=data["interaction_id"]) == {
        "channel": "visit"
    }


def test_a_late_touch_past_the_last_step_with_a_date_becomes_a_single_touch(crm, db, customer):
    crm("followup", "plan", customer, "--cadence", "0d", "--start", "2025-05-05")
    out = crm("followup", "done", "1", "--at", "2025-05-05", "--next", "2025-06-01").stdout
    assert "follow-up 2 due 2025-06-01" in out
    assert followups(db)[1]["step"] is None


def test_plan_refuses_a_second_active_cadence(crm, db, customer):
    crm("followup", "plan", customer, "--start", "2025-05-05")
    before = db.dump()
    result = crm("followup", "plan", customer, code=1)
    assert "already on the cadence memory (step 1, follow-up 1)" in result.stderr
    assert "crm followup cancel 1" in result.stderr
    assert db.dump() == before


def test_a_cadence_removed_from_the_settings_is_a_clear_error_on_done(crm, db, customer):
    crm("config", "set", "followup.cadences.quick", "0d,1d")
    crm("followup", "plan", customer, "--cadence", "quick", "--start", "2025-05-05")
    crm("config", "reset", "followup.cadences.quick")
    before = db.dump()
    result = crm("followup", "done", "1", "--at", "2025-05-05", code=1)
    assert "cadence 'quick' is no longer defined" in result.stderr
    assert db.dump() == before
    crm("followup", "done", "1", "--at", "2025-05-05", "--next", "none")


@pytest.mark.parametrize(
    ("cadence", "message"),
    [
        ("fortnightly", "unknown cadence 'fortnightly' (memory, or offsets like 0d,3d,1w,1m)"),
        ("0d,2x", "bad offset '2x'"),
        ("0d,3d,2d", "the offsets of a cadence must grow"),
        ("1w,7d", "the offsets of a cadence must grow"),
        (",", "unknown cadence ','"),
    ],
)
def test_bad_cadences(crm, db, customer, cadence, message):
    before = db.dump()
    result = crm("followup", "plan", customer, "--cadence", cadence, code=1)
    assert message in result.stderr
    assert db.dump() == before


def test_default_cadence_naming_nothing(crm, db, customer):
    result = crm("config", "set", "followup.default_cadence", "weekly", code=1)
    assert "the default cadence 'weekly' is not defined (memory)" in result.stderr
    crm("config", "set", "followup.cadences", '{"weekly": "0d,1w,2w"}', code=1)  # drops memory
    crm("config", "set", "followup.cadences", '{"memory": "0d,3d", "weekly": "0d,1w"}')
    crm("config", "set", "followup.default_cadence", "weekly")
    crm("followup", "plan", customer)
    assert db.scalar("SELECT cadence FROM followup") == "weekly"
    assert db.scalar("SELECT COUNT(*) FROM setting") == 2


def test_invalid_is_raised_for_bad_offsets_in_the_service():
    from crmcli.services.relationship.followups import _checked_offsets

    with pytest.raises(Invalid):
        _checked_offsets("3d,3d")
