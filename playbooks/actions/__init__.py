"""Built-in playbook actions; third-party ones register under the ``hiresentry.actions`` entry points."""
