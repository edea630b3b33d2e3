"""Plans as data: the plan file format, its loader and the progress-assessment methods (pure)."""

from meili.plans.loader import PlanError, load_plan, packaged_plans, parse_plan, plan_path
from meili.plans.model import Baseline, Chapter, Indicator, Plan, Section, Target, Task, Unit

__all__ = [
    "Baseline",
    "Chapter",
    "Indicator",
    "Plan",
    "PlanError",
    "Section",
    "Target",
    "Task",
    "Unit",
    "load_plan",
    "packaged_plans",
    "parse_plan",
    "plan_path",
]
