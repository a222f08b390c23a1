/**
 * A Gatehouse administrator's session over HTTP, as the console uses it: `POST /api/v1/session`
 * with email and password, then management calls with the session cookie and its CSRF token.
 * Registering an API is for administrators; this is how a script does it without the console.
 * @packageDocumentation
 */

/** A signed-in administrator: calls `{issuer}/api/v1{path}` with the session. */
export interface AdminSession {
  /** Gatehouse's URL (its issuer), e.g. `http://127.0.0.1:4000`. */
  issuer: string;
  /**
   * Calls the management API; answers the parsed JSON body.
   * @throws Error with the status and Gatehouse's error body on any answer but 2xx.
   */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/**
 * Signs in as an administrator (`POST /api/v1/session`).
 * @throws Error on wrong credentials (401 `invalid_credentials`) or any other refusal.
 *
 * @example
 * ```ts
 * const admin = await signIn('http://127.0.0.1:4000', 'you@example.com', process.env.GATEHOUSE_ADMIN_PASSWORD!);
 * ```
 */
export async function signIn(issuer: string, email: string, password: string): Promise<AdminSession> {
  const res = await fetch(`${issuer}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in to ${issuer} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrf_token: csrf } = (await res.json()) as { csrf_token: string };
  return {
    issuer,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { cookie, 'x-csrf-token': csrf };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const answer = await fetch(`${issuer}/api/v1${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await answer.text();
      if (!answer.ok) throw new Error(`${method} /api/v1${path} failed: ${answer.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
