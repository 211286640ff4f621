"""Exports of the register: the register's read model, one layout per format (see ``registry``)."""
