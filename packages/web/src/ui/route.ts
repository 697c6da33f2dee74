/**
 * Screens of the unlocked app as location hashes, so the browser's back button and links
 * work: `#/` list, `#/c/<id>` conversation, `#/c/<id>/members`, `#/new`, `#/settings`,
 * `#/devices`, `#/safety/<username>`. Ids are hex; anything else is the list.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly screen: 'list' }
  | { readonly screen: 'conversation'; readonly id: string }
  | { readonly screen: 'members'; readonly id: string }
  | { readonly screen: 'new' }
  | { readonly screen: 'settings' }
  | { readonly screen: 'devices' }
  | { readonly screen: 'safety'; readonly username: string };

/** Longest hash parsed (ids are 64 hex characters at most). */
const MAX_HASH_LENGTH = 200;

export function parseRoute(hash: string): Route {
  if (hash.length > MAX_HASH_LENGTH) return { screen: 'list' };
  const parts = hash.replace(/^#\/?/, '').split('/');
  const id = parts[1] ?? '';
  const validId = /^[0-9a-f]{2,128}$/.test(id);
  if (parts[0] === 'c' && validId) return parts[2] === 'members' ? { screen: 'members', id } : { screen: 'conversation', id };
  if (parts[0] === 'new') return { screen: 'new' };
  if (parts[0] === 'settings') return { screen: 'settings' };
  if (parts[0] === 'devices') return { screen: 'devices' };
  if (parts[0] === 'safety' && /^[a-z0-9._-]{3,32}$/.test(id)) return { screen: 'safety', username: id };
  return { screen: 'list' };
}

export function hrefOf(route: Route): string {
  switch (route.screen) {
    case 'list':
      return '#/';
    case 'conversation':
      return `#/c/${route.id}`;
    case 'members':
      return `#/c/${route.id}/members`;
    case 'safety':
      return `#/safety/${route.username}`;
    default:
      return `#/${route.screen}`;
  }
}

export function navigate(route: Route): void {
  location.hash = hrefOf(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
