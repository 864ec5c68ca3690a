"""Bundled list data: the DPRK extract of the OFAC SDN list and the published front entities."""
