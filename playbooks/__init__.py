"""Playbooks: YAML trigger → conditions → actions, executed idempotently through an outbox.

Playbooks never import connectors (DESIGN §1); they reach vendors only through the capability
interfaces declared in ``hiresentry.core.capabilities``.
"""
