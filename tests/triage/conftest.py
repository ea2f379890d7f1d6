"""Fixtures shared by triage tests."""

from tests.fakes.fixtures import fake_openai  # noqa: F401
