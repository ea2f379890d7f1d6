from tests.fakes.fixtures import fake_openai  # noqa: F401
from tests.replies.conftest import replies_wb, world  # noqa: F401
