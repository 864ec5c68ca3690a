"""Freelancer.com connector: the employer's projects, awarded freelancers and milestone payments.

``config.py`` (typed settings; the token goes in the ``Freelancer-OAuth-V1`` header), ``mapping.py``
(pure payload → record functions), ``streams.py`` (projects with their milestones and users per
page; new-or-live incremental passes), ``holds.py`` (cancel unreleased milestones as
``payout.hold``; no release), ``connector.py`` (manifest, ``check``, ``read``). Registered through
the ``hiresentry.connectors`` entry point ``freelancer``; ``docs/connectors/freelancer.md``
describes it.
"""

from hiresentry.connectors.freelancer.config import FreelancerConfig
from hiresentry.connectors.freelancer.connector import MANIFEST, FreelancerConnector

__all__ = ["MANIFEST", "FreelancerConfig", "FreelancerConnector"]
