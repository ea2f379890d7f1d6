"""AgentIQ: a communications desk for Wildberries sellers."""

__version__ = "0.1.0"
