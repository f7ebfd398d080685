import { useEffect } from 'react';

/** The tab's title follows the page, so history and screen readers name it. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Coexist` : 'Coexist';
  }, [title]);
}
