/** A link inside the console: a real `<a href>` (so it opens in a new tab too) that the router follows. */
import type { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import { Anchor } from '@mantine/core';

/** `to` is a path below `/console`; `plain` keeps the text colour. */
export function Link({ to, children, plain = false }: { to: string; children: ReactNode; plain?: boolean }) {
  return (
    <Anchor component={RouterLink} to={to} {...(plain && { c: 'inherit', underline: 'never' as const })}>
      {children}
    </Anchor>
  );
}
