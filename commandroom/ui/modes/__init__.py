"""The three ways the window is started: wall display, dispatcher desk, trainer demo."""
