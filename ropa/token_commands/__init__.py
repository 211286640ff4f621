"""Management commands that take the place of a library's own of the same name: this app
comes before the library in INSTALLED_APPS, so Django finds these first."""
