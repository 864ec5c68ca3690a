"""Acme HR connector for hiresentry: employees (page/per_page), bearer token + version header, HMAC webhooks."""

from hiresentry_acme_hr.connector import MANIFEST, AcmeHrConfig, AcmeHrConnector

__all__ = ["MANIFEST", "AcmeHrConfig", "AcmeHrConnector"]
