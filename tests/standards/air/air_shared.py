import csv
from pathlib import Path

#: the project's shared reference folder, beside the repository
SHARED = Path(__file__).resolve().parents[3].parent / "shared"
AIR = SHARED / "standards" / "air"
REAL = Path(__file__).resolve().parents[2] / "data" / "real"  # copied into tests/data/real


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
