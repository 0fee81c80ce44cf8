"""presslake flows."""
