"""Running the site in production: request ids and logs, metrics, security headers,
the admin login limiter and the answer given while the database is down."""
