"""Thin drivers over service functions: the embedded asyncio scheduler and Celery."""
