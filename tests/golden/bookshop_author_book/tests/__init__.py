"""Test suite for Bookshop."""
