"""Exports of the register: one snapshot, one layout per format (see ``registry``)."""
