"""presslake evaluation."""
