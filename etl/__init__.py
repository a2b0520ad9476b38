"""先锋指数看板 — loading a Party branch's spreadsheets into DuckDB, and scoring them."""

__version__ = "0.1.0"
