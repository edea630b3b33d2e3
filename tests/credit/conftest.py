"""The credit tests use the emergency tests' registry enterprises (valid GB 32100 codes)."""

from tests.emergency.conftest import enterprises  # noqa: F401 (fixture)
