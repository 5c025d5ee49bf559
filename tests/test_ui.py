"""``crm ui``: the full-screen app, driven headless with Textual's pilot at 80×24.

Every test runs on a copy of the demo company loaded as of a fixed day, with the app's
clock fixed too, so what the screens show (and their SVG snapshots, in English and
Chinese) does not move with the calendar. The app calls the same services as the
commands: the tests compare it with ``crm ... -f json`` and look in the database.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from datetime import date, datetime

import pytest

from crmcli import i18n
from tests.conftest import ROOT

pytestmark = pytest.mark.sqlite_only("one copy of the demo book, a file")

DAY = date(2026, 11, 26)  # the demo's anchor day
NOW = datetime(2026, 11, 26, 9, 0)
SIZE = (80, 24)


def _load(path, *, team=False):
    """The demo company as of DAY (every clock of the loader fixed) in a new file."""
    from crmcli.db import Database, resolve_url
    from crmcli.services.context import unit
    from crmcli.services.data import demo

    class Day(date):
        @classmethod
        def today(cls):
            return DAY

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(demo, "now", lambda: datetime(2026, 11, 26, 8, 0))
        mp.setattr(demo, "date", Day)
        database = Database(resolve_url(str(path)))
        database.ensure_schema()
        with unit(database, "wangfang", write=True) as ctx:
            demo.load(ctx, demo.load_data(DAY), team=team)
        database.dispose()
    return path


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    """The demo company as of DAY, single-user, built once for the module."""
    return _load(tmp_path_factory.mktemp("ui") / "demo.db")


@pytest.fixture(scope="module")
def team_template(tmp_path_factory):
    """The demo company in team mode (staff, owners), as of DAY."""
    return _load(tmp_path_factory.mktemp("team") / "team.db", team=True)


@pytest.fixture
def team_book(team_template, crm_env):
    shutil.copy(team_template, crm_env)
    return crm_env


@pytest.fixture
def book(demo_book, crm_env):
    shutil.copy(demo_book, crm_env)
    return crm_env


def make_app(book, lang="en", user=None):
    from crmcli.ui.app import CrmApp
    from crmcli.ui.session import Session

    i18n.set_lang(lang)
    return CrmApp(Session(db=str(book), user=user, now=NOW))


def drive(app, steps):
    """Run ``steps(pilot)`` against ``app`` at 80×24, headless."""

    async def run():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await steps(pilot)

    asyncio.run(run())


async def settle(pilot):
    """Wait for the workers (the finder searches in one) and what they post."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def table(app, selector):
    from textual.widgets import DataTable

    return app.screen.query_one(selector, DataTable)


def keys(dt):
    return [str(k.value) for k in dt.rows]


# -- behaviour ---------------------------------------------------------------------------


def test_the_morning_screen_lists_what_followup_due_lists(book, crm):
    due = crm.json("followup", "due", "--on", DAY.isoformat())
    assert due
    app = make_app(book)

    async def steps(pilot):
        assert type(app.screen).__name__ == "MorningScreen"
        dt = table(app, "#due")
        assert keys(dt) == [str(r["id"]) for r in due]  # the same touches, earliest first
        first = dt.get_row_at(0)
        assert due[0]["customer_name"] in "".join(map(str, first)) or first[1]
        assert table(app, "#receivables").row_count > 0
        assert table(app, "#tickets").row_count > 0

    drive(app, steps)


def test_the_finder_narrows_as_you_type_and_enter_opens_the_card(book):
    app = make_app(book)

    async def steps(pilot):
        await pilot.press("f3")
        await settle(pilot)
        everyone = table(app, "#results").row_count
        await pilot.press(*"华晨")
        await settle(pilot)
        found = keys(table(app, "#results"))
        assert 0 < len(found) < everyone
        assert found == ["C000001"]
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "CardScreen"
        events = table(app, "#timeline")
        assert events.row_count > 10
        head = str(app.screen.query_one("#head").render())
        assert "C000001" in head
        assert app.screen.events[0]["at"] >= app.screen.events[-1]["at"]

    drive(app, steps)


def test_logging_a_contact_from_the_card_writes_an_interaction(book, db):
    before = db.scalar("SELECT count(*) FROM interaction")
    app = make_app(book)

    async def steps(pilot):
        await pilot.press("f3", *"C000004")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert type(app.screen).__name__ == "LogContact"
        app.screen.query_one("#summary").value = "电话确认第四季度拜访时间"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "CardScreen"
        summaries = [e["summary"] for e in app.screen.events]
        assert any("电话确认第四季度拜访时间" in s for s in summaries)

    drive(app, steps)
    assert db.scalar("SELECT count(*) FROM interaction") == before + 1
    row = db.one(
        "SELECT i.channel, i.summary, c.code FROM interaction i JOIN customer c"
        " ON c.id = i.customer_id ORDER BY i.id DESC LIMIT 1"
    )
    assert row == {"channel": "phone", "summary": "电话确认第四季度拜访时间", "code": "C000004"}


def test_marking_a_follow_up_done_from_the_morning_screen(book, db):
    app = make_app(book)
    chosen = {}

    async def steps(pilot):
        dt = table(app, "#due")
        chosen["id"] = int(keys(dt)[0])
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "FollowupDone"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(chosen["id"]) not in keys(table(app, "#due"))

    drive(app, steps)
    row = db.one("SELECT status, interaction_id FROM followup WHERE id = :id", id=chosen["id"])
    assert row["status"] == "done" and row["interaction_id"] is not None


def test_adding_a_customer_opens_its_card(book, db):
    app = make_app(book)

    async def steps(pilot):
        await pilot.press("f5")
        await pilot.pause()
        app.screen.query_one("#name").value = "杭州新客户科技有限公司"
        app.screen.query_one("#phone").value = "0571-8888 1234"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "CardScreen"

    drive(app, steps)
    row = db.one("SELECT phone, level FROM customer WHERE name = '杭州新客户科技有限公司'")
    assert row == {"phone": "0571-8888 1234", "level": "regular"}


def test_the_kanban_moves_an_opportunity_and_asks_why_it_was_lost(book, db):
    def stage(code):
        return db.scalar("SELECT stage FROM opportunity WHERE code = :c", c=code)

    app = make_app(book)
    moved = {}

    async def steps(pilot):
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "PipelineScreen"
        _lane, code = screen.current()
        moved["next"] = code
        assert stage(code) == "lead"
        await pilot.press("n")
        await pilot.pause()
        assert stage(code) == "qualified"
        assert screen.current()[1] == code  # the cursor follows it
        await pilot.press("p")
        await pilot.pause()
        assert stage(code) == "lead"
        # negotiation -> won -> lost: the reason is asked first
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause()
        assert stage(code) == "negotiation"
        await pilot.press("n")
        await pilot.pause()
        assert stage(code) == "won"
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "LostReason"
        app.screen.query_one("#reason").value = "价格"
        await pilot.press("enter")
        await pilot.pause()

    drive(app, steps)
    code = moved["next"]
    assert stage(code) == "lost"
    reason = db.scalar(
        "SELECT s.reason FROM stage_change s JOIN opportunity o ON o.id = s.opportunity_id"
        " WHERE o.code = :c ORDER BY s.id DESC LIMIT 1",
        c=code,
    )
    assert reason == "价格"


def test_a_salesperson_sees_their_own_morning_and_customers(team_book, crm, db):
    due = crm.json("--user", "liuyang", "followup", "due", "--on", DAY.isoformat())
    everyone = crm.json("--user", "zhaolei", "followup", "due", "--all", "--on", DAY.isoformat())
    assert due and len(due) < len(everyone)
    theirs = db.scalar(
        "SELECT c.name FROM customer c JOIN app_user u ON u.id = c.owner_id"
        " WHERE u.username = 'chenjing' ORDER BY c.code LIMIT 1"
    )
    app = make_app(team_book, user="liuyang")

    async def steps(pilot):
        assert keys(table(app, "#due")) == [str(r["id"]) for r in due]
        await pilot.press("f3", *theirs)
        await settle(pilot)
        assert table(app, "#results").row_count == 0  # another's customer is not found

    drive(app, steps)


def test_ctrl_q_quits(book):
    app = make_app(book)

    async def steps(pilot):
        await pilot.press("f4", "ctrl+q")
        await pilot.pause()

    drive(app, steps)
    assert app.return_code == 0 and not app.is_running


def _colours(svg):
    """The colours an SVG screenshot paints with (fills and text), as (r, g, b)."""
    import re

    found = re.findall(r"(?:fill|color)\s*[:=]\s*\"?#([0-9a-fA-F]{6})", svg)
    window = {"ff5f57", "febc2e", "28c840"}  # the picture's window buttons (Rich's frame)
    return {tuple(int(h[i : i + 2], 16) for i in (0, 2, 4)) for h in found if h not in window}


def test_no_color_turns_the_colours_off(book, monkeypatch):
    def grey(rgb):  # (the picture's default text, #c5c8c6, is nearly so)
        return max(rgb) - min(rgb) <= 3

    shots = {}
    for no_color in (False, True):
        if no_color:
            monkeypatch.setenv("NO_COLOR", "1")
        else:
            monkeypatch.delenv("NO_COLOR", raising=False)
        app = make_app(book)

        async def steps(pilot, no_color=no_color):
            shots[no_color] = pilot.app.export_screenshot()

        drive(app, steps)
    assert not all(grey(c) for c in _colours(shots[False]))  # the ui has colours ...
    assert _colours(shots[True]) and all(grey(c) for c in _colours(shots[True]))  # ... or none


def test_crm_ui_needs_a_terminal(crm):
    result = crm("ui", code=1)
    assert "terminal" in result.stderr


def test_crm_help_does_not_import_textual():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from crmcli.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0 and 'ui' in result.stdout, result.stdout\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'crmcli')"
        " and (m.startswith('textual') or m.startswith('crmcli.ui'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


# -- snapshots: every screen, in both languages --------------------------------------------


async def _card(pilot):
    await pilot.press("f3", *"C000004")
    await settle(pilot)
    await pilot.press("enter")
    await pilot.pause()


async def _finder(pilot):
    await pilot.press("f3", *"科技")
    await settle(pilot)


async def _pipeline(pilot):
    await pilot.press("f4")
    await pilot.pause()


async def _form(pilot):
    await _card(pilot)
    await pilot.press("l")
    await pilot.pause()


SCREENS = {
    "morning": None,
    "finder": _finder,
    "card": _card,
    "pipeline": _pipeline,
    "log_form": _form,
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_snapshot(book, snap_compare, screen, lang):
    assert snap_compare(make_app(book, lang), terminal_size=SIZE, run_before=SCREENS[screen])
