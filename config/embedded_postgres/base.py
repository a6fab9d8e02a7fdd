"""The PostgreSQL backend, extended to start the embedded server before connecting."""

from pathlib import Path

from django.db.backends.postgresql import base

from .server import ensure_database, ensure_server

_CREATED_DATABASES: set[str] = set()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        address = ensure_server(Path(self.settings_dict["EMBEDDED_DATA_DIR"]))
        params = super().get_connection_params()
        name = params.get("dbname")
        # Creating the database on first use lets a new data folder work with no setup step.
        if name and name != "postgres" and name not in _CREATED_DATABASES:
            ensure_database(address, name, params.get("user") or "postgres")
            _CREATED_DATABASES.add(name)
        params["host"] = address.host
        params["port"] = address.port
        return params
