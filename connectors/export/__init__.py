"""Manual-export connector: JSON Lines / CSV files named after the canonical record kinds."""

from hiresentry.connectors.export.connector import ExportConfig, ExportConnector

__all__ = ["ExportConfig", "ExportConnector"]
