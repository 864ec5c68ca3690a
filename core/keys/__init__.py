"""Link keys: normalise identifiers, then HMAC-key them so the store can join without raw PII.

``normalize`` turns what a source wrote into one canonical text per identifier type (E.164 phones,
IBANs, lower-cased emails, standardised addresses, serials, IP /24 prefixes); ``hashing`` keys that
text with a secret from config; ``mask`` gives the short form shown to humans in explanations.
"""

from hiresentry.core.keys.hashing import KeyType, LinkKeyHasher
from hiresentry.core.keys.names import name_key, name_tokens, names_compatible, phonetic_key

__all__ = ["KeyType", "LinkKeyHasher", "name_key", "name_tokens", "names_compatible", "phonetic_key"]
