"""Stateful local fakes of the external systems hiresentry writes to (Jira, Slack).

They are small in-memory re-implementations of the vendors' HTTP APIs served by
pytest-httpserver, not mocks of hiresentry code: tests drive them through the real client
libraries (``jira``, ``slack_sdk``), so a wrong path, body shape or header fails a test the way it
would fail against the real service. Each fake keeps a log of the calls it received and can inject
faults (throttling, outages) to exercise retries.
"""
