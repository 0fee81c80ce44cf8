"""presslake warehouse."""
