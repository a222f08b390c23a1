/**
 * The frame of every signed-in page: header with the product name, the admin's email (a link to
 * the profile) and "Sign out". Below 480 px the email makes way for an account menu (profile,
 * environments), so the profile is reachable at every width.
 */
import { useEffect, type ReactNode } from 'react';
import { useLocation, useNavigationType } from 'react-router';
import { Link as RouterLink } from 'react-router';
import { ActionIcon, Box, Button, Container, Group, Menu, Text } from '@mantine/core';
import { IconLogout, IconShieldLock, IconUserCircle } from '@tabler/icons-react';
import { Link } from './link';
import { useScrollHints } from './scroll-hints';

/** Header and main area. */
export function Shell({ email, onSignOut, children }: { email: string; onSignOut: () => void; children: ReactNode }) {
  useScrollHints();
  // A new page (not a tab switch, which replaces, nor back/forward) opens at its top.
  const { pathname } = useLocation();
  const navigation = useNavigationType();
  useEffect(() => {
    if (navigation === 'PUSH') window.scrollTo(0, 0);
  }, [pathname, navigation]);
  return (
    <>
      <Box component="header" className="gh-header">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <IconShieldLock size={22} aria-hidden />
            <Text fw={700} size="lg">
              <Link to="/" plain>
                Gatehouse
              </Link>
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" truncate="end" className="gh-admin-email">
              <Link to="/profile">{email}</Link>
            </Text>
            <Box className="gh-account-menu">
              <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
                <Menu.Target>
                  <ActionIcon variant="default" size="lg" aria-label={`Account menu (${email})`}>
                    <IconUserCircle size={20} aria-hidden />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item component={RouterLink} to="/profile">
                    Your profile
                  </Menu.Item>
                  <Menu.Item component={RouterLink} to="/">
                    Environments
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Box>
            <Button variant="default" size="xs" leftSection={<IconLogout size={14} aria-hidden />} onClick={onSignOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </Box>
      <Container component="main" size="lg" py="md" px="md">
        {children}
      </Container>
    </>
  );
}
