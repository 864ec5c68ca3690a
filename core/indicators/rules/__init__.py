"""Built-in indicator functions; importing this package registers every module in it.

Modules are discovered rather than listed, so adding an indicator is adding a module (and its
YAML definition), with no central list to edit.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
