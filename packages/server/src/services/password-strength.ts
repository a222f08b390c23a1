/**
 * Console password strength (OWASP ASVS 5.0 V6.2; docs/security.md G-75), estimated by zxcvbn-ts:
 * common passwords, dictionary words, repeats, sequences, keyboard patterns and dates all count
 * as easy to guess. Every path that sets a console password calls {@link assertStrongPassword}.
 * @packageDocumentation
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { InvalidInput } from '../errors/domain-errors.js';

/** Lowest accepted zxcvbn score (0–4): 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
export const MIN_PASSWORD_SCORE = 3;

let estimator: Promise<ZxcvbnFactory> | undefined;

/** The estimator, loaded on first use: its dictionaries (~2 MB) stay out of every other CLI command and of start-up. */
function zxcvbn(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary, ...en.dictionary },
        graphs: common.adjacencyGraphs,
        translations: en.translations,
      }),
  );
  return estimator;
}

/**
 * Refuses a password that is easy to guess (resolves when it is not).
 * @param userInputs - words the password must not lean on (the email and its parts).
 * @throws InvalidInput `invalid_request` with the estimator's warning and suggestions (never the password).
 */
export async function assertStrongPassword(password: string, userInputs: readonly string[] = []): Promise<void> {
  const result = (await zxcvbn()).check(password, [...userInputs]);
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => !!s);
  const detail = advice.length > 0 ? ` ${advice.join(' ')}` : '';
  throw new InvalidInput(
    `the password is too easy to guess.${detail} A passphrase of four or more unrelated words works well.`,
  );
}
