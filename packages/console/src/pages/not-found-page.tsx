/** Any path of the console that is no page. */
import { Text, Title } from '@mantine/core';
import { Link } from '../components/link';

/** The not-found page. */
export function NotFoundPage() {
  return (
    <>
      <Title order={1} size="h2" mb="xs">
        Page not found
      </Title>
      <Text mb="md">
        There is no page at this address. <Link to="/">Go to the environments</Link>.
      </Text>
    </>
  );
}
