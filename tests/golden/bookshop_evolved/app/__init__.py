"""Bookshop: async FastAPI backend."""
