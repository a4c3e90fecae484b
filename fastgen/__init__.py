"""fastgen: generate and evolve async FastAPI backends from YAML resource specs."""

__version__ = "0.1.0"
