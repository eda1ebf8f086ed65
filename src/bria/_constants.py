"""Every default of the runtime in one place."""

from __future__ import annotations

import httpx

from ._version import __version__

DEFAULT_BASE_URL = "https://engine.prod.bria-api.com"
TOKEN_ENV_VAR = "BRIA_API_TOKEN"
# The host root when `base_url=` is not passed (a test server, a proxy); else DEFAULT_BASE_URL.
BASE_URL_ENV_VAR = "BRIA_BASE_URL"
AUTH_HEADER = "api_token"
# Bria's models as Segmind hosts them (`bria.Segmind`): Segmind's own host, key and header.
SEGMIND_DEFAULT_BASE_URL = "https://api.segmind.com"
SEGMIND_KEY_ENV_VAR = "SEGMIND_API_KEY"
SEGMIND_BASE_URL_ENV_VAR = "SEGMIND_BASE_URL"
SEGMIND_AUTH_HEADER = "x-api-key"
# Every header that carries a key: a redirect never copies one (the next send's auth adds its own again).
SECRET_HEADERS = (AUTH_HEADER, SEGMIND_AUTH_HEADER)
# Bria's own clients name themselves too; the httpx version tells a support engineer the HTTP stack.
USER_AGENT = f"bria-openapi/{__version__} python-httpx/{httpx.__version__}"

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
# Connections shared by concurrent calls (one pool per client, sync or async).
DEFAULT_LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=32)

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server that asks us to wait longer than this is not worth blocking a caller for: we give up.
MAX_RETRY_AFTER = 30.0
# Redirects the call flow follows for one request (each hop is a send of its own, token on the API origin only).
MAX_REDIRECTS = 5

# How long a waiting call waits for a job (`max_wait`), in seconds; the HTTP timeout is separate.
DEFAULT_MAX_WAIT = 300.0
# Polling: never faster than this, never slower than that (status calls count against rate limits).
MIN_POLL_INTERVAL = 0.1
MAX_POLL_INTERVAL = 2.0

MAX_IMAGE_BYTES = 12 * 1024 * 1024
DOWNLOAD_CHUNK = 1024 * 1024
# The poll history file is rewritten at most this often (seconds); the rest is written at close and exit.
SAVE_INTERVAL = 5.0
