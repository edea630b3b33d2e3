"""The credit tests use the emergency tests' registry enterprises (valid GB 32100 codes) and the sources tests'
enterprise with a flue-gas port (records from online alarms)."""

from tests.emergency.conftest import enterprises  # noqa: F401 (fixture)
from tests.sources.conftest import registry  # noqa: F401 (fixture)
