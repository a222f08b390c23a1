/**
 * Presets of the "Federated credentials" card (issue #26): which issuer each platform's tokens come
 * from and the form of their `sub`, so an operator fills in only what is theirs.
 */

/** One platform. */
export interface FederatedPreset {
  value: string;
  label: string;
  /** Filled into the issuer field (empty: the operator's own, e.g. a cluster's). */
  issuer: string;
  issuerPlaceholder: string;
  /** The form of `sub`, shown under the subject field. */
  subjectForm: string;
  subjectPlaceholder: string;
  /** A typical claim condition, shown as the claims field's placeholder. */
  claimsPlaceholder: string;
}

/** Kubernetes, GitHub Actions, SPIFFE, and any other OpenID issuer. */
export const FEDERATED_PRESETS: readonly FederatedPreset[] = [
  {
    value: 'kubernetes',
    label: 'Kubernetes',
    issuer: '',
    issuerPlaceholder:
      'https://oidc.eks.eu-west-1.amazonaws.com/id/… (kubectl get --raw /.well-known/openid-configuration)',
    subjectForm: 'system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT',
    subjectPlaceholder: 'system:serviceaccount:payments:api',
    claimsPlaceholder: 'kubernetes.io.namespace=payments',
  },
  {
    value: 'github',
    label: 'GitHub Actions',
    issuer: 'https://token.actions.githubusercontent.com',
    issuerPlaceholder: 'https://token.actions.githubusercontent.com',
    subjectForm: 'repo:ORG/REPO:ref:refs/heads/BRANCH, or repo:ORG/REPO:environment:NAME',
    subjectPlaceholder: 'repo:acme/deploy:ref:refs/heads/main',
    claimsPlaceholder: 'repository_owner=acme',
  },
  {
    value: 'spiffe',
    label: 'SPIFFE',
    issuer: '',
    issuerPlaceholder: 'https://oidc-discovery.example.org (SPIRE OIDC discovery provider)',
    subjectForm: 'spiffe://TRUST_DOMAIN/PATH',
    subjectPlaceholder: 'spiffe://example.org/ns/payments/sa/api',
    claimsPlaceholder: '',
  },
  {
    value: 'other',
    label: 'Other',
    issuer: '',
    issuerPlaceholder: 'https://issuer.example.com',
    subjectForm: 'the exact sub of the tokens',
    subjectPlaceholder: '',
    claimsPlaceholder: 'claim.path=value',
  },
];

/**
 * Claims from lines of `path=value` (blank lines skipped).
 * @throws Error naming the first line without `=`.
 */
export function parseClaimLines(text: string): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`"${line}": write each condition as path=value`);
    claims[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return claims;
}
