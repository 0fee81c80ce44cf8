"""presslake schemas: one pyarrow schema per warehouse table."""

from schemas.tables import DOCUMENT_TABLES, SCHEMA_VERSION, TABLES, primary_key

__all__ = ["DOCUMENT_TABLES", "SCHEMA_VERSION", "TABLES", "primary_key"]
