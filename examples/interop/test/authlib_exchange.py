"""Exchanges a Gatehouse token (RFC 8693) with authlib (Debian python3-authlib) and client_secret_basic.

Reads one JSON object on stdin: token_endpoint, client_id, client_secret, subject_token,
subject_token_type and scope. Prints the token response as JSON and exits 0, or prints
{"error": ...} and exits 1.
"""
import json
import sys

from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.base_client.errors import OAuthError


def main():
    args = json.load(sys.stdin)
    session = OAuth2Session(
        args["client_id"],
        args["client_secret"],
        token_endpoint_auth_method="client_secret_basic",
        scope=args["scope"],
    )
    try:
        token = session.fetch_token(
            args["token_endpoint"],
            grant_type="urn:ietf:params:oauth:grant-type:token-exchange",
            subject_token=args["subject_token"],
            subject_token_type=args["subject_token_type"],
            timeout=10,
        )
    except OAuthError as err:
        print(json.dumps({"error": err.error, "error_description": err.description}))
        return 1
    print(json.dumps(dict(token)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
