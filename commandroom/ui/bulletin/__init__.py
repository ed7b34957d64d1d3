"""The half-month bulletin (半月通报): previewed, issued and exported in a window of its own."""
