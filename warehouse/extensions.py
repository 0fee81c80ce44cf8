"""DuckDB extensions from the pinned PyPI packages, never from the network.

DuckDB downloads an extension on first use from its extension repository; these machines
cannot, and a run must not depend on it. The ``duckdb-extension-*`` packages in the lock carry
DuckDB's signed extension binaries for the pinned DuckDB version; :func:`connect` opens a
connection with automatic installing and loading switched off and ``LOAD``\\ s each extension
from its package folder (DuckDB checks the signature).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from warehouse.errors import WarehouseError

#: extension name -> the PyPI package (import name) that carries its binary
PACKAGES: dict[str, str] = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
}


class ExtensionMissingError(WarehouseError):
    """An extension's package is not installed for this DuckDB version."""


def extension_path(name: str) -> Path:
    """Path of the ``.duckdb_extension`` binary of extension ``name`` for this DuckDB.

    Raises:
        ExtensionMissingError: when the package or its binary for this DuckDB is missing.
    """
    package = PACKAGES[name]
    try:
        root = resources.files(package)
    except ModuleNotFoundError as err:
        raise ExtensionMissingError(
            f"DuckDB extension {name!r} needs the package {package.replace('_', '-')} "
            f"(pinned in requirements.lock); run `make install`"
        ) from err
    path = Path(str(root)) / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise ExtensionMissingError(
            f"no {name} extension for DuckDB {duckdb.__version__} at {path}; "
            "DuckDB and the duckdb-extension-* packages must be pinned at one version"
        )
    return path


def offline_config() -> dict[str, str | bool | int | float | list[str]]:
    """Connection settings that forbid installing or autoloading extensions."""
    return {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }


def load(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """``LOAD`` each extension in ``names`` from its package into ``con``."""
    for name in names:
        path = str(extension_path(name)).replace("'", "''")
        con.execute(f"LOAD '{path}'")


def connect(
    *names: str,
    database: str = ":memory:",
    read_only: bool = False,
    config: dict[str, str | bool | int | float | list[str]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with ``names`` loaded from their packages, autoload off."""
    settings = offline_config()
    settings.update(config or {})
    con = duckdb.connect(database, read_only=read_only, config=settings)
    try:
        load(con, *names)
    except BaseException:
        con.close()
        raise
    return con
