"""The REST API of the register, under /api/v1/."""
