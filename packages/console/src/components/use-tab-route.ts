/**
 * The selected tab of a page whose tabs are routes. The router renders a navigation in a
 * transition, after the click has returned; the tab shows selected at once (as a tab does) and the
 * route follows, and a route changed otherwise (back/forward, a link) selects its tab.
 * @packageDocumentation
 */
import { useState } from 'react';
import { useNavigate } from 'react-router';

/**
 * `[selected, select]`: `current` is the route's tab; `select(tab)` shows `tab` and replaces the
 * route with `pathOf(tab)` (a tab switch is no history entry of its own).
 */
export function useTabRoute(current: string, pathOf: (tab: string) => string): [string, (tab: string | null) => void] {
  const navigate = useNavigate();
  const [selected, setSelected] = useState(current);
  const [routed, setRouted] = useState(current);
  if (routed !== current) {
    setRouted(current);
    setSelected(current);
  }
  const select = (tab: string | null) => {
    if (!tab) return;
    setSelected(tab);
    navigate(pathOf(tab), { replace: true });
  };
  return [selected, select];
}
