"""Gets a Gatehouse access token with authlib (Debian python3-authlib) and private_key_jwt.

Reads one JSON object on stdin: token_endpoint, client_id, private_key_pem (PKCS#8) and alg.
Prints the token response as JSON and exits 0, or prints {"error": ...} and exits 1.
"""
import json
import sys

from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.base_client.errors import OAuthError
from authlib.oauth2.rfc7523 import PrivateKeyJWT


def main():
    args = json.load(sys.stdin)
    # authlib's defaults, as its documentation shows them: iss = sub = client_id, aud = the token
    # endpoint, a fresh jti, iat = now and exp = iat + 3600 (GATEHOUSE_ASSERTION_MAX_LIFETIME's default).
    session = OAuth2Session(
        args["client_id"],
        args["private_key_pem"],
        token_endpoint_auth_method="private_key_jwt",
    )
    session.register_client_auth_method(PrivateKeyJWT(args["token_endpoint"], alg=args["alg"]))
    try:
        token = session.fetch_token(args["token_endpoint"], grant_type="client_credentials", timeout=10)
    except OAuthError as err:
        print(json.dumps({"error": err.error, "error_description": err.description}))
        return 1
    print(json.dumps(dict(token)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
