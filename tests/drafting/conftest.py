"""Fixtures for drafting tests. Importing the fixture here (not in each test module) keeps
ruff's F811 quiet: a test parameter named like an imported fixture counts as a redefinition."""

from tests.fakes.fixtures import fake_openai  # noqa: F401
