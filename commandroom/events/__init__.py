"""The case workflow: rules (pure), the service that alone writes cases, importers, demo data."""
