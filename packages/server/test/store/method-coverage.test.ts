/**
 * Every public method of every repository that `repositories()` builds is called in some store
 * contract test (`*.contract.test.ts` in this folder), as `<repository>.<method>(` — e.g.
 * `repos.tokens.revoke(` or `uow.tokens.revoke(` — so a new SQL statement can't land untested on
 * either store (issue #24). Found by reflection over the prototypes, so a new method is listed
 * without anyone remembering to list it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Repositories, type Queryable } from '../../src/store/repositories/index.js';
import { GroupCommit } from '../../src/store/group-commit.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';

/**
 * Methods that can't be called directly, each with the reason. Keyed `<repository>.<method>`.
 * TypeScript `private` methods are on the prototype at run time but not callable from a test.
 */
const NOT_CALLABLE: Record<string, string> = {
  // private: the recursive-CTE revocation of exchanged tokens; covered through revoke(),
  // revokeOfIntegration(), revokeDerivedFromIntegration() and revokeExchangedForCustomers().
  'tokens.revokeDescendants': 'private helper of the four revoke methods',
  // private: the owner-scoped select of page() and get().
  'projects.owned': 'private helper of page() and get()',
};

const here = dirname(fileURLToPath(import.meta.url));

/** `[getter name, method names]` for every repository `Repositories` builds. */
function repositoryMethods(): [string, string[]][] {
  const repos = new Repositories({} as Queryable, 'sqlite');
  const getters = Object.entries(Object.getOwnPropertyDescriptors(Repositories.prototype))
    .filter(([, d]) => d.get)
    .map(([name]) => name);
  return getters.map((getter) => {
    const repo = (repos as unknown as Record<string, object>)[getter]!;
    const proto = Object.getPrototypeOf(repo) as object;
    const methods = Object.getOwnPropertyNames(proto).filter(
      (m) => m !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, m)?.value === 'function',
    );
    return [getter, methods];
  });
}

describe('store contract coverage', () => {
  const sources = readdirSync(here)
    .filter((f) => f.endsWith('.contract.test.ts'))
    .map((f) => readFileSync(join(here, f), 'utf8'))
    .join('\n');
  const called = (owner: string, method: string) => new RegExp(`\\b${owner}\\s*\\.\\s*${method}\\s*[(<]`).test(sources);

  it('every public repository method is called in a *.contract.test.ts file (or allow-listed with a reason)', () => {
    const all = repositoryMethods();
    const missing: string[] = [];
    for (const [getter, methods] of all)
      for (const m of methods)
        if (!NOT_CALLABLE[`${getter}.${m}`] && !called(getter, m)) missing.push(`${getter}.${m}`);
    expect(missing).toEqual([]);
    // The reflection found the repositories (22+ classes, 100+ methods), so an empty list means something.
    expect(all.length).toBeGreaterThanOrEqual(25);
    expect(all.flatMap(([, m]) => m).length).toBeGreaterThan(100);
    // Every allow-listed name still exists (a stale entry would hide nothing, but misleads).
    for (const name of Object.keys(NOT_CALLABLE)) {
      const [getter, m] = name.split('.');
      expect(all.find(([g]) => g === getter)?.[1]).toContain(m);
    }
  });

  it('the unit of work and group commit methods are called in a *.contract.test.ts file', () => {
    const uowMethods = Object.getOwnPropertyNames(UnitOfWork.prototype).filter(
      (m) =>
        m !== 'constructor' && typeof Object.getOwnPropertyDescriptor(UnitOfWork.prototype, m)?.value === 'function',
    );
    expect(uowMethods.filter((m) => !called('uow', m))).toEqual([]);
    // `flush` is private: it runs the queued group, called by run() on the next turn.
    const groupMethods = Object.getOwnPropertyNames(GroupCommit.prototype).filter(
      (m) => m !== 'constructor' && m !== 'flush',
    );
    expect(groupMethods.filter((m) => !called('group', m))).toEqual([]);
    expect(called('GroupCommit', 'for')).toBe(true);
  });
});
