from tests.replies.conftest import replies_wb, world  # noqa: F401
