from . import glossary, taxonomy, topic  # noqa: F401  (registers the model admins)
