"""Gadgets: async FastAPI backend."""
