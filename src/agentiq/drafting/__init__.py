"""Drafting: context → LLM or the built-in drafter → guardrails → a draft with provenance.

Import what you need from the submodules (`context`, `drafter`, `builtin`, `llm`, `quality`);
this package file stays empty so importing one part never drags in the others.
"""
