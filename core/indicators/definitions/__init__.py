"""The indicator definitions: one YAML file per indicator (id, metadata, golden tests)."""
