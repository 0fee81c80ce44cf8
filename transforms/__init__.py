"""presslake transforms."""
