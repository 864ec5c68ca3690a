"""Built-in indicator functions; importing this package registers every one of them."""

from hiresentry.core.indicators.rules import (  # noqa: F401  (imported to register)
    devices,
    identity,
    network,
    payments,
    signins,
)
