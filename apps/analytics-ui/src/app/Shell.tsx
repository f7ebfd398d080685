import { type ReactNode, useEffect, useRef } from 'react';
import { Icon, type IconName } from '../ui/Icon.js';
import { Link, useLocation } from './router.js';

const NAV: Array<{ to: string; label: string; icon: IconName; match: (path: string) => boolean }> = [
  { to: '/numbers', label: 'Numbers', icon: 'phone', match: (p) => p.startsWith('/numbers') },
  { to: '/analytics', label: 'Analytics', icon: 'chart', match: (p) => p.startsWith('/analytics') },
  { to: '/send', label: 'Send', icon: 'send', match: (p) => p.startsWith('/send') },
];

/** Keeps the chosen number when moving between Analytics and Send. */
function carryNumber(to: string, query: URLSearchParams): string {
  const number = query.get('number');
  if (!number || to === '/numbers') return to;
  return `${to}?number=${encodeURIComponent(number)}`;
}

export function Shell({ children, onSignOut }: { children: ReactNode; onSignOut: () => void }) {
  const location = useLocation();
  // after moving to another page, keyboard and screen-reader users start at its content
  const firstPage = useRef(true);
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location.path]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/numbers" className="brand" aria-label="Coexist home">
            <span className="brand-mark" aria-hidden="true" />
            Coexist
          </Link>
          <nav aria-label="Main" className="nav">
            {NAV.map((item) => {
              const current = item.match(location.path);
              return (
                <Link
                  key={item.to}
                  to={carryNumber(item.to, location.query)}
                  className={`nav-link${current ? ' nav-link-current' : ''}`}
                  aria-current={current ? 'page' : undefined}
                >
                  <Icon name={item.icon} />
                  {item.label}
                </Link>
              );
            })}
          </nav>
          <div className="topbar-actions">
            <Link
              to="/connect"
              className={`button button-primary button-small${location.path === '/connect' ? ' is-current' : ''}`}
              aria-current={location.path === '/connect' ? 'page' : undefined}
            >
              <Icon name="plus" />
              Connect a number
            </Link>
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={onSignOut}
              aria-label="Sign out"
              title="Sign out"
            >
              <Icon name="logout" />
              <span className="hide-narrow">Sign out</span>
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
