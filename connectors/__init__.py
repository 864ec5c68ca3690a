"""Connectors: one folder per vendor, each mapping the vendor's data into canonical records.

Connectors never call the risk core's logic or a playbook (DESIGN §1); they produce records and
cursors, and implement the capability interfaces the core declares (e.g. payout hold).
"""
