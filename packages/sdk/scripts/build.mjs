// Builds the publishable @gatehouse/client into `dist/` (or the folder given as the first argument):
// JavaScript and declarations from `tsc`, the types it takes from the private @gatehouse/contracts
// package written out in `contracts.d.ts` (expanded by the TypeScript compiler API, so the package
// needs neither contracts nor TypeBox), and a manifest whose exports point at the built files.
// Publish with `npm publish packages/sdk/dist`; the workspace's own package.json is private.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const CONTRACTS = '@gatehouse/contracts';
const sdk = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(sdk, 'dist');

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(sdk, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });

/** Every emitted file below `dir`. */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

// Which contract types the declarations use.
const IMPORT = /(import|export) type \{([^}]*)\} from '@gatehouse\/contracts';/g;
const names = new Set();
for (const file of files(out).filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.js') && text.includes(CONTRACTS)) throw new Error(`${file} imports ${CONTRACTS} at run time`);
  for (const m of text.matchAll(IMPORT)) for (const n of m[2].split(',')) if (n.trim()) names.add(n.trim());
}

// Expand each one to its structure with the compiler's checker.
const scratch = join(sdk, '.types-scratch');
mkdirSync(scratch, { recursive: true });
const probe = join(scratch, 'probe.ts');
const sorted = [...names].sort();
writeFileSync(
  probe,
  `import type { ${sorted.join(', ')} } from '${CONTRACTS}';\n${sorted.map((n) => `export type __${n} = ${n};`).join('\n')}\n`,
);
try {
  const program = ts.createProgram([probe], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    types: [],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probe);
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source));
  const flags =
    ts.TypeFormatFlags.NoTruncation |
    ts.TypeFormatFlags.InTypeAlias |
    ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;
  /** The structure of `type`; an interface (printed by name) is spelled out member by member. */
  const expand = (type) => {
    const text = checker.typeToString(type, undefined, flags);
    if (!/^\w+$/.test(text) || !(type.flags & ts.TypeFlags.Object)) return text;
    const members = checker
      .getPropertiesOfType(type)
      .map(
        (p) =>
          `${p.name}${p.flags & ts.SymbolFlags.Optional ? '?' : ''}: ${checker.typeToString(checker.getTypeOfSymbol(p), undefined, flags)};`,
      );
    return `{ ${members.join(' ')} }`;
  };
  const lines = sorted.map((n) => {
    const symbol = exports.find((s) => s.name === `__${n}`);
    const text = expand(checker.getDeclaredTypeOfSymbol(symbol));
    if (/\b(Static|TObject|TSchema|Kind)\b/.test(text)) throw new Error(`${n} did not expand: ${text}`);
    return `export type ${n} = ${text};`;
  });
  writeFileSync(
    join(out, 'contracts.d.ts'),
    `// The Gatehouse API types this package uses, expanded from the workspace's contracts at build time.\n${lines.join('\n')}\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Point the declarations at it.
for (const file of files(out).filter((f) => f.endsWith('.d.ts'))) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(CONTRACTS)) continue;
  let target = relative(dirname(file), join(out, 'contracts.js'));
  if (!target.startsWith('.')) target = `./${target}`;
  writeFileSync(file, text.replaceAll(`'${CONTRACTS}'`, `'${target}'`));
}

// The published manifest.
const pkg = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8'));
const manifest = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  type: 'module',
  sideEffects: false,
  exports: { '.': { types: './index.d.ts', default: './index.js' } },
  types: './index.d.ts',
  main: './index.js',
  engines: pkg.engines,
  dependencies: pkg.dependencies,
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
copyFileSync(join(sdk, 'README.md'), join(out, 'README.md'));
