"""Playbooks shipped with hiresentry (monitor mode until an operator switches them to active)."""
