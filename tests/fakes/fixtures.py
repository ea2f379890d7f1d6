"""Shared pytest fixtures for fakes: import them into a test module to use them.

from tests.fakes.fixtures import fake_openai  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started fake OpenAI-compatible server on 127.0.0.1; stopped after the test."""
    with FakeOpenAI() as fake:
        yield fake
