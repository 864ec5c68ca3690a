"""Fixtures of the Prism helper's own tests; vendor test folders import ``prism`` the same way."""

from tests.contract.prism import prism  # noqa: F401 - re-exported fixture
