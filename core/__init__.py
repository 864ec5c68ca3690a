"""hiresentry's risk core: canonical model, link keys, store, resolution, indicators, scores, cases.

The core never imports a vendor connector or a playbook (DESIGN §1): connectors hand it canonical
records, and playbooks reach vendors only through the capability interfaces declared here.
"""
