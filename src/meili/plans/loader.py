"""Read a plan file (YAML), validate it against ``schema.json`` and the semantic rules, build a :class:`Plan`.

Every problem is a :class:`PlanError` naming the file, the key path and the rule, on one line. The
plan's ``version`` is the SHA-256 of its canonical content (keys sorted, comments and layout ignored),
so loading the same content twice gives the same version and any change gives a new one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from meili.plans.model import (
    CLAUSE,
    Baseline,
    Chapter,
    Indicator,
    Plan,
    Section,
    Target,
    Task,
    Unit,
    chinese_numeral,
    numeral_value,
)

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


class PlanError(ValueError):
    """A problem in a plan file: ``file: key.path[3]: rule`` on one line."""

    def __init__(self, file: str | Path, key_path: str, rule: str):
        self.file = Path(file).name
        self.key_path = key_path
        self.rule = rule
        super().__init__(str(self))

    def __str__(self) -> str:
        rule = " ".join(self.rule.split())
        if self.key_path:
            return f"{self.file}: {self.key_path}: {rule}"
        return f"{self.file}: {rule}"


def chapter_of_clause(clause: str) -> int:
    """The chapter number a clause belongs to: ``四（二）2`` → 4."""
    match = CLAUSE.match(clause)
    if not match:
        raise ValueError(f"not a clause: {clause!r}")
    return numeral_value(match["chapter"])


def key_path(parts: Iterable[str | int]) -> str:
    """``["indicators", 3, "year"]`` → ``indicators[3].year``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of a plan file (``meili/plans/schema.json``)."""
    loaded: dict[str, Any] = json.loads(
        resources.files("meili.plans").joinpath("schema.json").read_text(encoding="utf-8")
    )
    return loaded


def plan_path(code: str) -> Path:
    """The packaged plan file for ``code``, e.g. ``plan_path("weihai-2024-2035")``."""
    path = Path(str(resources.files("meili.plans").joinpath("data", f"{code}.yaml")))
    if not path.is_file():
        raise KeyError(f"no packaged plan {code!r}; packaged plans: {', '.join(packaged_plans()) or 'none'}")
    return path


def packaged_plans() -> tuple[str, ...]:
    """Codes of the plans shipped with Meili."""
    folder = resources.files("meili.plans").joinpath("data")
    return tuple(sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml")))


def content_version(data: Any) -> str:
    """SHA-256 of the canonical JSON of the parsed content: layout and comments do not count."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_plan(path: str | Path) -> Plan:
    """Read, validate and build the plan in ``path``; raise :class:`PlanError` on the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise PlanError(path, "", f"cannot be read: {reason}") from exc
    return parse_plan(text, path)


#: libyaml's loader when PyYAML was built with it: the same constructor and resolver as ``yaml.SafeLoader``, so
#: the same data, parsed in C (the plan's text took 0.2 s in the pure-Python parser, 0.03 s in libyaml)
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """The data of YAML *text* as ``yaml.safe_load`` reads it; parsed by libyaml when available.

    libyaml words its syntax errors differently: a text it rejects is read again by the pure-Python parser,
    whose error (line, column, problem) is the one reported.
    """
    try:
        return yaml.load(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


def parse_plan(text: str, file: str | Path = "<plan>") -> Plan:
    """Validate and build a plan from YAML text; ``file`` only names it in errors."""
    try:
        data = read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise PlanError(file, "", f"invalid YAML{where}: {problem}") from exc
    _check_schema(data, file)
    _check_semantics(data, file)
    return _build(data, content_version(data))


def _rule(error: jsonschema.ValidationError) -> str:
    sub = error.schema if isinstance(error.schema, dict) else {}
    if "x-rule" in sub:
        return str(sub["x-rule"])
    # the schema keyword's value (a type name or list of them, an enum's values, required keys …): any JSON
    value: Any = error.validator_value
    instance: Any = error.instance
    if error.validator in ("type", "minimum", "maximum") and "minimum" in sub and "maximum" in sub:
        kind = _TYPE_NAMES.get(sub.get("type", "number"), "a number")
        return f"must be {kind} between {sub['minimum']} and {sub['maximum']}"
    if error.validator == "type":
        types = value if isinstance(value, list) else [value]
        if set(types) == {"boolean", "null"}:
            return "must be true, false or null"
        names = [_TYPE_NAMES.get(str(t), str(t)) for t in types]
        return "must be " + (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0])
    if error.validator == "enum":
        return "must be one of " + ", ".join(str(v) for v in value)
    if error.validator == "required":
        missing = [k for k in value if k not in instance]
        return f"missing required key '{missing[0]}'"
    if error.validator == "dependentRequired":
        present = next(k for k in value if k in instance and any(d not in instance for d in value[k]))
        missing = next(d for d in value[present] if d not in instance)
        return f"missing required key '{missing}' (required with '{present}')"
    if error.validator == "additionalProperties":
        extra = sorted(k for k in instance if k not in sub.get("properties", {}))
        return f"unknown key '{extra[0]}'"
    if error.validator == "minItems":
        return f"must have at least {value} item" + ("s" if value != 1 else "")
    if error.validator == "minLength":
        return "must not be empty"
    if error.validator == "minimum":
        return f"must be at least {value}"
    if error.validator == "maximum":
        return f"must be at most {value}"
    return error.message


def _check_schema(data: Any, file: str | Path) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise PlanError(file, key_path(error.absolute_path), _rule(error))


def _check_semantics(data: dict[str, Any], file: str | Path) -> None:
    def fail(path: Sequence[str | int], rule: str) -> None:
        raise PlanError(file, key_path(path), rule)

    unit_codes: dict[str, int] = {}
    for i, unit in enumerate(data["units"]):
        if unit["code"] in unit_codes:
            fail(
                ["units", i, "code"],
                f"duplicate unit code '{unit['code']}' (first at units[{unit_codes[unit['code']]}])",
            )
        unit_codes[unit["code"]] = i
    for i, unit in enumerate(data["units"]):
        parent = unit.get("parent")
        if parent is not None and parent not in unit_codes:
            fail(["units", i, "parent"], f"unknown unit '{parent}'")
        if parent == unit["code"]:
            fail(["units", i, "parent"], "a unit cannot be its own parent")

    clauses: set[str] = set()
    for c, chapter in enumerate(data["chapters"]):
        if chapter["number"] != c + 1:
            fail(["chapters", c, "number"], f"chapters must be numbered 1, 2, 3 … in order (expected {c + 1})")
        numeral = chinese_numeral(chapter["number"])
        clauses.add(numeral)
        for s, section in enumerate(chapter["sections"]):
            expected = f"{numeral}（{chinese_numeral(s + 1)}）"
            if section["clause"] != expected:
                fail(["chapters", c, "sections", s, "clause"], f"must be {expected} (sections are numbered in order)")
            clauses.add(expected)
            for t, task in enumerate(section.get("tasks", [])):
                where: list[str | int] = ["chapters", c, "sections", s, "tasks", t]
                if task["clause"] != f"{expected}{t + 1}":
                    fail([*where, "clause"], f"must be {expected}{t + 1} (tasks are numbered in order)")
                clauses.add(task["clause"])
                for u, code in enumerate(task.get("units", [])):
                    if code not in unit_codes:
                        fail([*where, "units", u], f"unknown unit '{code}'")

    chapters = {chapter["number"] for chapter in data["chapters"]}
    codes: dict[str, int] = {}
    for i, ind in enumerate(data["indicators"]):
        at: list[str | int] = ["indicators", i]
        if ind["code"] in codes:
            fail([*at, "code"], f"duplicate indicator code '{ind['code']}' (first at indicators[{codes[ind['code']]}])")
        codes[ind["code"]] = i
        if ind["chapter"] not in chapters:
            fail([*at, "chapter"], f"no chapter {ind['chapter']} in chapters")
        if ind["clause"] not in clauses:
            fail([*at, "clause"], f"no clause {ind['clause']} in chapters")
        if chapter_of_clause(ind["clause"]) != ind["chapter"]:
            fail([*at, "clause"], f"clause {ind['clause']} is not in chapter {ind['chapter']}")
        for u, code in enumerate(ind["units"]):
            if code not in unit_codes:
                fail([*at, "units", u], f"unknown unit '{code}'")
        if ind["unit"] and not ind["unit_en"]:
            fail([*at, "unit_en"], f"must name the unit '{ind['unit']}' in English")
        if ind["unit_en"] and not ind["unit"]:
            fail([*at, "unit_en"], "must be empty when unit is empty")
        if ind["obtained"] == "monitoring" and "monitoring" not in ind:
            fail(at, "missing required key 'monitoring' (obtained is monitoring)")
        if ind["obtained"] == "reported" and "monitoring" in ind:
            fail([*at, "monitoring"], "only allowed when obtained is monitoring")
        _check_targets(ind, at, fail)


def _check_targets(ind: dict[str, Any], at: list[str | int], fail: Any) -> None:
    direction = ind["direction"]
    superior = ind.get("target_source", "plan") == "superior"
    targets = ind["targets"]
    if not targets and not superior:
        fail([*at, "targets"], "must have at least 1 item (or target_source superior)")
    previous: dict[str, Any] | None = None
    for t, target in enumerate(targets):
        where = [*at, "targets", t]
        if previous is not None and target["year"] <= previous["year"]:
            fail(
                [*where, "year"], f"target years must be strictly ascending ({target['year']} after {previous['year']})"
            )
        comparator = target.get("comparator")
        has_value = "value" in target
        has_bounds = "lower" in target or "upper" in target
        if direction in ("milestone", "qualitative"):
            if "text" not in target:
                fail(where, f"missing required key 'text' (direction {direction})")
            if has_bounds or comparator is not None:
                fail(where, f"a {direction} target takes only year, text and an optional value")
        elif direction == "range":
            if not ("lower" in target and "upper" in target):
                if not superior:
                    fail(where, "a range target needs lower and upper")
            elif target["lower"] > target["upper"]:
                fail([*where, "lower"], f"lower {target['lower']} is above upper {target['upper']}")
            if comparator not in (None, "range"):
                fail([*where, "comparator"], f"comparator '{comparator}' does not fit direction range")
            if has_value:
                fail([*where, "value"], "a range target takes lower and upper, not value")
        else:
            allowed = (">=", "=", "trend") if direction == "increase" else ("<=", "=", "trend")
            if comparator is not None and comparator not in allowed:
                fail([*where, "comparator"], f"comparator '{comparator}' does not fit direction {direction}")
            if has_bounds:
                fail(where, f"lower/upper only fit direction range, not {direction}")
            if comparator == "trend" and has_value:
                fail([*where, "value"], "a trend target has no value")
            if not has_value and comparator != "trend" and not superior:
                fail(where, "needs a value (or comparator trend, or target_source superior)")
            if has_value and previous is not None and "value" in previous:
                if direction == "increase" and target["value"] < previous["value"]:
                    fail(
                        [*where, "value"],
                        f"target values must not fall for direction increase ({target['value']} after {previous['value']})",
                    )
                if direction == "decrease" and target["value"] > previous["value"]:
                    fail(
                        [*where, "value"],
                        f"target values must not rise for direction decrease ({target['value']} after {previous['value']})",
                    )
        previous = target
    baseline = ind.get("baseline")
    if baseline is not None and targets and baseline["year"] >= targets[0]["year"]:
        fail(
            [*at, "baseline", "year"],
            f"baseline year {baseline['year']} must be before the first target year {targets[0]['year']}",
        )
    if baseline is not None and direction in ("milestone", "qualitative"):
        fail([*at, "baseline"], f"a {direction} indicator has no baseline value")


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _build(data: dict[str, Any], version: str) -> Plan:
    units = tuple(Unit(u["code"], u["name"], u["name_en"], u["kind"], u.get("parent")) for u in data["units"])
    chapters = tuple(
        Chapter(
            number=c["number"],
            title=c["title"],
            title_en=c["title_en"],
            sections=tuple(
                Section(
                    clause=s["clause"],
                    title=s["title"],
                    title_en=s["title_en"],
                    tasks=tuple(
                        Task(t["clause"], t["title"], tuple(t.get("units", ())), t["title_en"])
                        for t in s.get("tasks", ())
                    ),
                )
                for s in c["sections"]
            ),
        )
        for c in data["chapters"]
    )
    indicators = []
    for ind in data["indicators"]:
        default = {"increase": ">=", "decrease": "<=", "range": "range"}.get(ind["direction"])
        targets = tuple(
            Target(
                year=t["year"],
                value=_number(t.get("value")),
                text=t.get("text"),
                comparator=t.get("comparator", default if ("value" in t or "lower" in t) else None),
                lower=_number(t.get("lower")),
                upper=_number(t.get("upper")),
                text_en=t.get("text_en"),
            )
            for t in ind["targets"]
        )
        b = ind.get("baseline")
        indicators.append(
            Indicator(
                code=ind["code"],
                name=ind["name"],
                name_en=ind["name_en"],
                unit=ind["unit"],
                direction=ind["direction"],
                baseline=Baseline(b["year"], float(b["value"]), b["source"], b["source_en"]) if b else None,
                targets=targets,
                binding=ind["binding"],
                clause=ind["clause"],
                chapter=ind["chapter"],
                quote=ind["quote"],
                units=tuple(ind["units"]),
                obtained=ind["obtained"],
                rollup=ind["rollup"],
                monitoring=ind.get("monitoring"),
                target_source=ind.get("target_source", "plan"),
                unit_en=ind["unit_en"],
                quote_en=ind["quote_en"],
            )
        )
    return Plan(
        code=data["code"],
        title=data["title"],
        title_en=data["title_en"],
        region=data["region"],
        source=data["source"],
        base_year=data["base_year"],
        version=version,
        units=units,
        chapters=chapters,
        indicators=tuple(indicators),
    )
