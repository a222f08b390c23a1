/**
 * Validation errors (ajv, from the TypeBox schemas of the routes) as one short sentence naming
 * the field: `invalid body: content_type is required`, `invalid body: name must be at most 100
 * characters`, `invalid querystring: since must be at least 10 characters`. Never echoes a
 * submitted value (it may be a secret); an unknown property's name is cut to 64 characters.
 * @packageDocumentation
 */

/** The part of an ajv error this needs. */
export interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** `/grants/0/audience` → `grants[0].audience`. */
function fieldOf(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra.slice(0, 64));
  return parts.reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '');
}

const plural = (n: unknown, word: string) => `${String(n)} ${word}${n === 1 ? '' : 's'}`;

/** What is wrong with the field, without its value. */
function rule(issue: ValidationIssue): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed';
    case 'maxLength':
      return `must be at most ${plural(p.limit, 'character')}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${plural(p.limit, 'character')}`;
    case 'maxItems':
      return `must have at most ${plural(p.limit, 'item')}`;
    case 'minItems':
      return `must have at least ${plural(p.limit, 'item')}`;
    case 'maxProperties':
      return `must have at most ${plural(p.limit, 'property')}`.replace('propertys', 'properties');
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return `must be ${String(p.comparison)} ${String(p.limit)}`;
    case 'type':
      return `must be ${String(p.type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' or ')}`;
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    case 'enum':
      return Array.isArray(p.allowedValues)
        ? `must be one of ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
        : 'is not an allowed value';
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'uniqueItems':
      return 'must not repeat an item';
    case 'anyOf':
    case 'oneOf':
      return 'does not match any allowed form';
    default:
      return (issue.message ?? 'is invalid').replace(/NOT/g, 'not');
  }
}

/**
 * One message for the first validation issue of `context` (`body`, `querystring`, `params`,
 * `headers`), e.g. `invalid body: content_type is required`.
 */
export function validationMessage(context: string, issues: readonly ValidationIssue[]): string {
  const issue = issues[0];
  if (!issue) return `invalid ${context}`;
  const extra =
    issue.keyword === 'required'
      ? issue.params.missingProperty
      : issue.keyword === 'additionalProperties'
        ? issue.params.additionalProperty
        : undefined;
  const field = fieldOf(issue.instancePath, typeof extra === 'string' ? extra : undefined);
  return `invalid ${context}: ${field ? `${field} ` : ''}${rule(issue)}`.slice(0, 300);
}
