from tests.sources.conftest import registry  # noqa: F401 - the registry's enterprise, permit, ports and limits
