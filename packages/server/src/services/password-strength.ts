/**
 * Console password strength (OWASP ASVS 5.0 V6.2; SECURITY.md G-75), estimated by zxcvbn-ts:
 * common passwords, dictionary words, repeats, sequences, keyboard patterns and dates all count
 * as easy to guess. Every path that sets a console password calls {@link assertStrongPassword}.
 * @packageDocumentation
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { ApiError } from '../errors/api-error.js';

/** Lowest accepted zxcvbn score (0–4): 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/** The estimator, built on first use (its dictionaries take ~40 ms to load). */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations });
  return estimator;
}

/**
 * Refuses a password that is easy to guess.
 * @param userInputs - words the password must not lean on (the email and its parts).
 * @throws ApiError 400 `invalid_request` with the estimator's warning and suggestions (never the password).
 */
export function assertStrongPassword(password: string, userInputs: readonly string[] = []): void {
  const result = zxcvbn().check(password, [...userInputs]);
  if (result.score >= MIN_PASSWORD_SCORE) return;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => !!s);
  const detail = advice.length > 0 ? ` ${advice.join(' ')}` : '';
  throw new ApiError(400, 'invalid_request', `the password is too easy to guess.${detail} A passphrase of four or more unrelated words works well.`);
}
