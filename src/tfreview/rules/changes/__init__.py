"""changes rules."""
