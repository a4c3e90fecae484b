"""Test suite for Gadgets."""
