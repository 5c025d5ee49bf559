"""Which customer each row of an import is (实训4-2): a new one, one in the book, or the same
as an earlier row of the file. :mod:`crmcli.services.data.importing` writes what this
decides, a chunk of rows at a time.

A code names its customer: a row with a code is matched by it alone (when ``code`` is a
match key), other rows by their other keys. A row whose keys name two customers is a
problem (ambiguous), never a guess. A row with bad values is checked all the same (owner,
code, ambiguity), so that one run, a ``--dry-run`` say, lists every problem.

Memory stays flat on a file of any size: each chunk looks up in the database only the keys
its rows carry (customers written by earlier chunks are there too, in the same
transaction), and of earlier rows keeps only which row first named each customer.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from crmcli.errors import Invalid
from crmcli.i18n import pick, t
from crmcli.services.codes import taken_code
from crmcli.services.context import Ctx
from crmcli.services.data.import_result import Options, Result
from crmcli.services.data.import_rows import Layout, Problem, Row
from crmcli.services.team import permissions
from crmcli.vocab import CUSTOMER, MATCH_KEY, fold

#: values looked up in one IN (...) list
LOOKUP = 1000


@dataclass(eq=False, slots=True)
class Group:
    """The rows of a chunk that are one customer: an existing one (``target``) or a new one."""

    first: Row
    target: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, str | None] = field(default_factory=dict)
    #: fields filled only where the customer has none (``fill.<field>``), the first row's
    fills: dict[str, Any] = field(default_factory=dict)
    skip: bool = False
    #: the customer was created by this import, from an earlier chunk's rows
    ours: bool = False
    id: int | None = None
    code: str | None = None  # a new customer's, once written
    now: dict[str, Any] = field(default_factory=dict)  # the matched customer as it is
    changes: dict[str, list[Any]] = field(default_factory=dict)

    def take(self, row: Row) -> None:
        self.values.update(row.values)
        self.keys.update(row.keys)
        self.extra.update(row.extra)
        for name, value in row.fills.items():
            self.fills.setdefault(name, value)
        if row.contact:
            key = fold(row.contact["name"])
            self.contacts[key] = {**self.contacts.get(key, {}), **row.contact}


class _Seen:
    """Which codes and keys the book may hold (a Bloom filter, 16 MiB whatever the size):
    a value never added is certainly not there, so a chunk looks up in the database only
    the values it may find (few or none on a new book: a fresh import asks nothing)."""

    BITS = 1 << 27

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS >> 3)

    def add(self, value: str) -> None:
        h = hash(value)
        bits, mask = self.bits, self.BITS - 1
        for i in (h & mask, (h >> 27) & mask):
            bits[i >> 3] |= 1 << (i & 7)

    def __contains__(self, value: str) -> bool:
        h = hash(value)
        bits, mask = self.bits, self.BITS - 1
        a, b = h & mask, (h >> 27) & mask
        return bool(bits[a >> 3] & (1 << (a & 7)) and bits[b >> 3] & (1 << (b & 7)))


class _Index:
    """The customers in the database that a chunk's rows name by their keys."""

    def __init__(self, unseen: str) -> None:
        self.code: dict[str, tuple[int, bool]] = {}
        self.keys: dict[str, dict[str, list[int]]] = {"phone": {}, "email": {}, "name": {}}
        self.info: dict[int, tuple[str, int | None]] = {}
        #: the customers the actor may not see (another salesperson's), never named to them
        self.hidden: set[int] = set()
        #: those created by this import (in an earlier chunk)
        self.ours: set[int] = set()
        self.unseen = unseen


def _row_keys(row: Row, match: Sequence[str]) -> list[tuple[str, str]]:
    keys = []
    for k in match:
        if k == "code":
            v = row.values.get("code")
        elif k == "name":
            v = fold(row.values["name"]) if "name" in row.values else None
        else:
            v = row.keys.get(k)
        if v:
            keys.append((k, v))
    return keys


def _owners(ctx: Ctx) -> Callable[[str], int | None]:
    """Username or a member of staff's exact name -> user id, by the rules of ``--owner``;
    None for someone who is not a user of the book (the old system's salesperson: never a
    reason to reject a row). A disabled user, or one the actor may not give records to,
    is Invalid."""
    from sqlalchemy import select

    from crmcli.models import User

    by_username: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    disabled: set[int] = set()
    for u in ctx.session.execute(select(User.id, User.username, User.name, User.active)):
        by_username[u.username] = u.id
        if u.name:
            by_name.setdefault(u.name, []).append(u.id)
        if not u.active:
            disabled.add(u.id)
    anyone = permissions.changes_all(ctx)

    def owner(text: str) -> int | None:
        found = by_username.get(text)
        if found is None and len(by_name.get(text, [])) == 1:
            found = by_name[text][0]
        if found is None:
            return None
        if found in disabled:
            raise Invalid(t("user '{value}' is disabled", value=text))
        if not anyone and found != ctx.actor.id:
            raise Invalid(t("you may not give customers to other staff ({value})", value=text))
        return found

    return owner


class Matcher:
    """Groups each chunk's rows into customers, remembering across chunks only which row
    first named each customer."""

    def __init__(self, ctx: Ctx, found: Layout, options: Options, result: Result) -> None:
        self.ctx = ctx
        self.options = options
        self.result = result
        self.match = options.match
        targets = found.targets
        self.owner_of = _owners(ctx) if "owner" in targets else None
        self.owner_header = targets["owner"].header if "owner" in targets else ""
        self.code_header = targets["code"].header if "code" in targets else None
        self.strangers: dict[str, None] = {}
        #: the custom fields a new customer needs (crm field add --required): (name, label)
        self.required: list[tuple[str, str]] = []
        self.sees_all = permissions.sees_all(ctx)
        self.unseen = t("a customer {user} may not see", user=ctx.actor.username)
        #: the batch this import writes (None until it writes): its customers are ours
        self.batch: int | None = None
        #: customers of the book matched by an earlier chunk -> the first row matching it
        self.earlier: dict[int, int] = {}
        #: of those, the ones a row changed
        self.changed: set[int] = set()
        #: the customers this import created, by id, and the row each began on (ids grow
        #: as rows are written, so both arrays stay sorted)
        self.ours_ids = array("q")
        self.ours_rows = array("q")
        #: folded names of live customers (only when names are a match key: a vCard's)
        self.names: dict[str, list[int]] | None = self._names() if "name" in self.match else None
        self.seen = self._seen()

    def _names(self) -> dict[str, list[int]]:
        from sqlalchemy import select

        from crmcli.models import Customer as C

        names: dict[str, list[int]] = {}
        q = select(C.id, C.name).where(C.deleted_at.is_(None))
        for id_, name in self.ctx.session.connection().execute(q):
            names.setdefault(fold(name), []).append(id_)
        return names

    def _seen(self) -> _Seen:
        """The codes, phone and e-mail keys of the book's customers, deleted ones too."""
        from sqlalchemy import select

        from crmcli.models import Customer as C

        seen = _Seen()
        add = seen.add
        q = select(C.code, C.phone_key, C.email_key)
        for row in self.ctx.session.connection().execute(q.execution_options(yield_per=5000)):
            for value in row:
                if value:
                    add(value)
        return seen

    def first_row(self, customer: int) -> int:
        """The row a customer of this import began on."""
        return self.ours_rows[bisect_left(self.ours_ids, customer)]

    def written(self, created: list[Group]) -> None:
        """The chunk's new customers are in the database (ids in file order)."""
        add = self.seen.add
        for g in created:
            self.ours_ids.append(g.id)  # type: ignore[arg-type]
            self.ours_rows.append(g.first.number)
            add(g.code)
            for value in g.keys.values():
                if value:
                    add(value)
            if self.names is not None:
                self.names.setdefault(fold(g.values["name"]), []).append(g.id)  # type: ignore[arg-type]

    def _index(self, rows: list[Row]) -> _Index:
        """The customers in the database that these rows' codes and keys name."""
        from sqlalchemy import select

        from crmcli.models import Customer as C

        index = _Index(self.unseen)
        wanted: dict[str, set[str]] = {"code": set(), "phone": set(), "email": set()}
        ids: set[int] = set()
        seen = self.seen
        keys = [k for k in ("phone", "email") if k in self.match]
        for row in rows:
            code = row.values.get("code")
            if code and code in seen:
                wanted["code"].add(code)
            for key in keys:
                value = row.keys.get(key)
                if value and value in seen:
                    wanted[key].add(value)
            if self.names is not None and "name" in row.values:
                ids.update(self.names.get(fold(row.values["name"]), ()))
        columns = (C.id, C.code, C.owner_id, C.deleted_at, C.phone_key, C.email_key)
        conn = self.ctx.session.connection()
        queries = [(C.code, "code"), (C.phone_key, "phone"), (C.email_key, "email")]
        found: dict[int, Any] = {}
        for column, key in queries:
            values = sorted(wanted[key])
            for i in range(0, len(values), LOOKUP):
                q = select(*columns, C.import_batch_id).where(column.in_(values[i : i + LOOKUP]))
                for r in conn.execute(q):
                    found[r.id] = r
        missing = sorted(ids - found.keys())
        for i in range(0, len(missing), LOOKUP):
            q = select(*columns, C.import_batch_id).where(C.id.in_(missing[i : i + LOOKUP]))
            for r in conn.execute(q):
                found[r.id] = r
        for id_ in sorted(found):  # (in the order customers were made, as messages list them)
            _, code, owner, deleted, phone, email, batch = found[id_]
            live = deleted is None
            if not self.sees_all and owner not in (None, self.ctx.actor.id):
                index.hidden.add(id_)
            if code:
                index.code[code] = (id_, live)
            if not live:
                continue
            if batch is not None and batch == self.batch:
                index.ours.add(id_)
            index.info[id_] = (code, owner)
            if phone and phone in wanted["phone"]:
                index.keys["phone"].setdefault(phone, []).append(id_)
            if email and email in wanted["email"]:
                index.keys["email"].setdefault(email, []).append(id_)
        if self.names is not None:
            for row in rows:
                if "name" in row.values:
                    key = fold(row.values["name"])
                    live = [i for i in self.names.get(key, ()) if i in index.info]
                    index.keys["name"][key] = live
        return index

    def chunk(self, rows: list[Row]) -> list[Group]:
        """Group a chunk's rows: each group one customer (new, or one in the database)."""
        match = self.match
        index = self._index(rows)
        code_header = self.code_header
        in_file: dict[tuple[str, str], list[Group]] = {}
        by_target: dict[int, Group] = {}
        groups: dict[int, Group] = {}  # by id(): in the order first met
        for row in rows:  # a bad row is still checked, so one run tells everything
            self._owner(row)
            keys = _row_keys(row, match)
            code = row.values.get("code")
            decides = bool(code) and "code" in match
            lookups = [("code", code)] if decides else [k for k in keys if k[0] != "code"]
            # what the keys name: ("g", id(group)) or ("c", customer id) -> (group, id, key)
            found: dict[tuple[str, int], tuple[Group | None, int | None, str]] = {}
            for key, value in lookups:
                for group in in_file.get((key, value), []):
                    found.setdefault(("g", id(group)), (group, None, key))
                if key == "code":
                    hit = index.code.get(value)
                    if hit is not None and not hit[1]:
                        row.problems.append(Problem(code_header, value, _deleted(value)))
                    ids = [hit[0]] if hit is not None and hit[1] else []
                else:
                    ids = index.keys[key].get(value, [])
                for target in ids:
                    group = by_target.get(target) or self._seen_before(target, index)
                    if group is not None:
                        by_target[target] = group
                        found.setdefault(("g", id(group)), (group, None, key))
                    else:
                        found.setdefault(("c", target), (None, target, key))
            if not found and code and not decides:
                self._code_taken(row, code, index, in_file)
            if len(found) > 1:
                row.problems.append(Problem(None, None, _ambiguous(found.values(), index)))
            if row.problems:  # (a bad row joins no customer: the rows after it never match it)
                continue
            if found:
                group, target, key = next(iter(found.values()))
                if group is not None:
                    if not self._join(row, group, key, index):
                        continue
                    groups.setdefault(id(group), group)  # (an earlier chunk's customer)
                else:
                    group = self._existing(row, target, key, index)  # type: ignore[arg-type]
                    if group is None:
                        continue
                    by_target[target] = group  # type: ignore[index]
                    self.earlier[target] = row.number  # type: ignore[index]
                    groups[id(group)] = group
            else:
                missing = [label for name, label in self.required if not row.extra.get(name)]
                if missing:  # (a matched row updates a customer: only a new one needs them)
                    reason = t("{field} is required", field=", ".join(missing))
                    row.problems.append(Problem(missing[0], "", reason))
                    continue
                group = Group(row)
                group.take(row)
                groups[id(group)] = group
            for key_value in (("code", code), *keys) if code else keys:
                members = in_file.setdefault(key_value, [])  # type: ignore[arg-type]
                if group not in members:
                    members.append(group)
        return list(groups.values())

    def finish(self) -> None:
        """Owners who are not users of the book: kept as a custom field, listed."""
        if self.strangers:
            self.result.unknown_owners = list(self.strangers)

    def _owner(self, row: Row) -> None:
        if self.owner_of is None or "owner" not in row.values:
            return
        name = row.values["owner"]
        try:
            row.values["owner"] = self.owner_of(name)
        except Invalid as e:
            row.problems.append(Problem(self.owner_header, name, e.message))
        else:
            if row.values["owner"] is None:  # kept under its header, to assign later
                del row.values["owner"]
                row.extra[self.owner_header] = name
                self.strangers[name] = None

    def _seen_before(self, target: int, index: _Index) -> Group | None:
        """A customer an earlier chunk created or matched: its rows go on as a group of this
        chunk (a change to the database row), joined like a repeated row of the file."""
        if target in index.ours:
            return Group(Row(self.first_row(target), []), target=target, ours=True)
        if target in self.earlier:
            skip = self.options.on_duplicate == "skip"
            return Group(Row(self.earlier[target], []), target=target, skip=skip)
        return None

    def _code_taken(
        self, row: Row, code: str, index: _Index, in_file: dict[Any, list[Group]]
    ) -> None:
        """A new customer's code (codes not being a match key) must be free."""
        header = self.code_header
        hit = index.code.get(code)
        earlier = in_file.get(("code", code))
        if hit is not None and hit[0] in index.hidden:
            row.problems.append(Problem(header, code, taken_code(CUSTOMER["code"].label, code)))
            return
        if hit is not None and hit[0] in index.ours:
            first = self.first_row(hit[0])
            other = t("row {row} ({key})", row=first, key=MATCH_KEY.label("code"))
        elif hit is not None:
            other = index.info[hit[0]][0] if hit[1] else _deleted(code)
        elif earlier:
            other = t("row {row} ({key})", row=earlier[0].first.number, key=MATCH_KEY.label("code"))
        else:
            return
        row.problems.append(
            Problem(
                header,
                code,
                t("customer code '{value}' is already used by {other}", value=code, other=other),
            )
        )

    def _join(self, row: Row, group: Group, key: str, index: _Index) -> bool:
        """A row that repeats an earlier row of the file: merged into it (listed under
        duplicates)."""
        what = MATCH_KEY.label(key)
        if self.options.on_duplicate == "error":
            row.problems.append(
                Problem(
                    None, None, t("repeats row {row} ({key})", row=group.first.number, key=what)
                )
            )
            return False
        code, other = row.values.get("code"), group.values.get("code")
        if group.target is not None:
            other = index.info[group.target][0]
        if code and other and code != other:
            row.problems.append(
                Problem(
                    None,
                    code,
                    t(
                        "repeats row {row} ({key}) but has another code, {code}",
                        row=group.first.number,
                        key=what,
                        code=code,
                    ),
                )
            )
            return False
        self.result.duplicates.append({"row": row.number, "same_as_row": group.first.number})
        if not group.skip:
            group.take(row)
        return True

    def _existing(self, row: Row, target: int, key: str, index: _Index) -> Group | None:
        """A row matching a customer in the database."""
        ctx, options = self.ctx, self.options
        code, owner_id = index.info[target]
        what = MATCH_KEY.label(key)
        if target in index.hidden:  # say the value is taken, not by which customer
            row.problems.append(
                Problem(
                    None,
                    None,
                    t(
                        "{key} already taken by {customer}; leave it out, or ask a manager",
                        key=what,
                        customer=index.unseen,
                    ),
                )
            )
            return None
        if row.values.get("code") and row.values["code"] != code:
            row.problems.append(
                Problem(
                    None,
                    row.values["code"],
                    t("matches {code} ({key}) but has another code", code=code, key=what),
                )
            )
            return None
        if options.on_duplicate == "error":
            row.problems.append(
                Problem(None, None, t("duplicate of {code} ({key})", code=code, key=what))
            )
            return None
        if (
            ctx.actor.team
            and ctx.actor.role not in permissions.CHANGE_ALL
            and owner_id not in (None, ctx.actor.id)
        ):
            row.problems.append(
                Problem(
                    None,
                    None,
                    t(
                        "matches {code} ({key}), which {user} may not change",
                        code=code,
                        key=what,
                        user=ctx.actor.username,
                    ),
                )
            )
            return None
        group = Group(row, target=target, skip=options.on_duplicate == "skip")
        if not group.skip:
            group.take(row)
        return group


def _deleted(code: str) -> str:
    return t("customer {code} is deleted; restore it first: crm customer restore {code}", code=code)


def _describe(group: Group | None, target: int | None, key: str, index: _Index) -> str:
    what = MATCH_KEY.label(key)
    if group is not None and (group.target is None or group.ours):
        return t("row {row} ({key})", row=group.first.number, key=what)
    customer = group.target if group is not None else target
    code = index.unseen if customer in index.hidden else index.info[customer][0]  # type: ignore[index]
    return f"{code} ({what})"


def _ambiguous(found: Iterable[tuple[Group | None, int | None, str]], index: _Index) -> str:
    return t(
        "matches more than one customer: {candidates}",
        candidates=", ".join(_describe(g, tid, k, index) for g, tid, k in found),
    ) + pick(
        "; merge them first (crm customer dedupe) or give a code",
        "；请先合并（crm customer dedupe）或填写客户编号",
    )
