"""``crm config``: business settings in the database, with defaults."""

from __future__ import annotations

import json

import pytest


def test_show_lists_defaults(crm):
    settings = {s["key"]: s for s in crm.json("config", "show")}
    assert settings["care.intervals"]["value"] == {"gold": 14, "silver": 30, "regular": 90}
    assert settings["followup.cadences"]["value"]["memory"] == "0d,3d,7d,15d,30d,60d,90d,180d"
    stages = settings["pipeline.stages"]["value"]
    assert [(s["key"], s["probability"]) for s in stages] == [
        ("lead", 10),
        ("qualified", 25),
        ("proposal", 50),
        ("negotiation", 75),
        ("won", 100),
        ("lost", 0),
    ]
    assert not any(s["changed"] for s in settings.values())


def test_set_parts_and_reset(crm, db):
    crm("config", "set", "care.intervals.gold", "21")
    crm("config", "set", "followup.cadences.quick", "0d,2d,1w,1m")
    crm("config", "set", "pipeline.stages.proposal.probability", "40")
    crm("config", "set", "ticket.targets", '{"urgent": 2, "high": 12, "normal": 48, "low": 120}')
    stored = {r["key"]: json.loads(r["value"]) for r in db.rows("SELECT key, value FROM setting")}
    assert stored["care.intervals"]["gold"] == 21
    assert stored["followup.cadences"] == {
        "memory": "0d,3d,7d,15d,30d,60d,90d,180d",
        "quick": "0d,2d,1w,1m",
    }
    assert [s["probability"] for s in stored["pipeline.stages"] if s["key"] == "proposal"] == [40]
    assert stored["ticket.targets"]["urgent"] == 2
    crm("config", "reset", "followup.cadences.quick")
    crm("config", "reset", "care.intervals.gold")
    keys = {r["key"] for r in db.rows("SELECT key FROM setting")}
    assert keys == {"pipeline.stages", "ticket.targets"}  # back to default means no row
    crm("config", "reset", "pipeline.stages")
    assert {s["key"]: s["changed"] for s in crm.json("config", "show")}["pipeline.stages"] is False
    assert db.scalar("SELECT count(*) FROM audit_entry WHERE entity = 'setting'") == 7


def test_chinese_table(crm):
    out = crm("--lang", "zh", "config", "show").stdout
    assert "设置项" in out and "各等级客户的联系间隔（天）" in out


BAD = [
    (["config", "set", "colour", "red"], "unknown setting 'colour'"),
    (["config", "set", "care.intervals.gold", "--", "-3"], "invalid value for care.intervals"),
    (["config", "set", "care.intervals.gold", "soon"], "invalid value for care.intervals"),
    (["config", "set", "care.intervals.platinum", "5"], "unknown key 'platinum'"),
    (["config", "set", "followup.cadences.quick", "0d,2x"], "bad offset '2x'"),
    (["config", "set", "pipeline.stages.proposal.probability", "140"], "0-100"),
    (["config", "set", "pipeline.stages.signing.probability", "40"], "unknown setting"),
    (
        ["config", "set", "pipeline.stages", '[{"key": "lead", "probability": 10}]'],
        "'won' and 'lost'",
    ),
    (["config", "set", "pipeline.stages", "not json"], "a list of stages"),
    (["config", "reset", "nothing"], "unknown setting 'nothing'"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_values_change_nothing(crm, db, args, message):
    crm("config", "set", "care.intervals.silver", "20")
    before = db.dump()
    assert message in crm(*args, code=1).stderr
    assert db.dump() == before


def test_settings_that_would_break_records_are_refused(crm, db):
    crm("customer", "add", "甲公司")
    crm("opportunity", "add", "甲公司", "ERP", "--amount", "1000", "--stage", "negotiation")
    before = db.dump()
    for key, value, reason in [
        ("pipeline.stages.won.probability", "50", "the probability of 'won' is always 100"),
        ("pipeline.stages.lost.probability", "90", "the probability of 'lost' is always 0"),
        (
            "pipeline.stages",
            '[{"key": "lead", "probability": 10}, {"key": "won", "probability": 100},'
            ' {"key": "lost", "probability": 0}]',
            "opportunities are still in the stages negotiation: move them first",
        ),
        ("followup.default_cadence", "nope", "the default cadence 'nope' is not defined"),
        ("followup.cadences", '{"quick": "0d,2d"}', "the default cadence 'memory' is not"),
        ("care.intervals.gold", "99999", "'gold' must be a whole number of days from 1 to 3660"),
        ("ticket.targets.urgent", "0", "'urgent' must be a whole number of hours from 1 to 8760"),
    ]:
        assert reason in crm("config", "set", key, value, code=1).stderr
    assert db.dump() == before


def test_every_setting_message_in_chinese(crm):
    result = crm("--lang", "zh", "config", "set", "pipeline.stages.won.probability", "5", code=1)
    assert "'won' 的赢率固定为 100" in result.stderr
