import { useEffect, useState } from 'preact/hooks';

/** A hash route: `#/incident/E20261123-0001?x=1` → path `/incident/E20261123-0001`, params. */
export interface Route {
  path: string;
  parts: string[];
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?');
  return { path, parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

export const navigate = (path: string): void => {
  location.hash = `#${path}`;
};

export const href = (path: string): string => `#${path}`;

/** The route, re-rendering on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
