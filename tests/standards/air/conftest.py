import pytest
from air_shared import AIR


@pytest.fixture(scope="session")
def shared_air():
    if not AIR.is_dir():
        pytest.fail(f"shared reference folder not found at {AIR}")
    return AIR
