"""``meili plan check``: a summary for a valid file, exit 2 and the one-line error for a bad one."""

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from meili.cli.plan import plan
from meili.plans import plan_path


def test_check_summarises_the_weihai_plan():
    result = CliRunner().invoke(plan, ["check", str(plan_path("weihai-2024-2035"))])
    assert result.exit_code == 0, result.output
    assert "weihai-2024-2035: 美丽威海建设规划纲要（2024—2035年）" in result.output
    assert "30 units, 9 chapters, 36 sections, 56 tasks, 63 indicators" in result.output
    assert "   4 持续改善怡人海滨生态环境: 17" in result.output
    assert "by direction: increase 37, decrease 6, range 0, milestone 18, qualitative 2" in result.output
    assert "by obtained: reported 53, monitoring 8, carbon 2" in result.output


def test_check_exits_2_with_the_error(tmp_path):
    bad = tmp_path / "weihai.yaml"
    bad.write_text(
        plan_path("weihai-2024-2035").read_text(encoding="utf-8").replace("year: 2027", "year: 2207", 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(plan, ["check", str(bad)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line]
    assert lines == ["weihai.yaml: indicators[0].targets[0].year: must be an integer between 2000 and 2100"]


def test_check_accepts_a_packaged_plan_code():
    result = CliRunner().invoke(plan, ["check", "weihai-2024-2035"])
    assert result.exit_code == 0, result.output
    assert "63 indicators" in result.output


def test_check_of_a_missing_file_exits_2():
    result = CliRunner().invoke(plan, ["check", "no-such-plan.yaml"])
    assert result.exit_code == 2
    assert result.output.strip() == "no-such-plan.yaml: cannot be read: No such file or directory"


def test_the_plan_group_imports_without_django():
    code = "import sys, meili.cli.plan, meili.plans.progress; print(any(m.startswith('django') for m in sys.modules))"
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": src}
    )
    assert out.stdout.strip() == "False"
