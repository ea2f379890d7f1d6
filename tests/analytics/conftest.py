from tests.ingestion.conftest import runtime, sync_wb, wb_http  # noqa: F401
