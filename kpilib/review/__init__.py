"""The management review (ISO 9001 9.3): its registers."""
