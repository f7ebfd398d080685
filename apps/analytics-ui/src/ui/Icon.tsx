/** A handful of 16 px line icons, drawn inline so states never rely on colour alone. */
const PATHS = {
  check: 'M3.5 8.5l3 3 6-7',
  cross: 'M4.5 4.5l7 7m0-7l-7 7',
  alert: 'M8 2.5l6 11H2l6-11zM8 6.5v3.2M8 11.6v.1',
  info: 'M8 14.5A6.5 6.5 0 108 1.5a6.5 6.5 0 000 13zM8 7.2v4M8 4.8v.1',
  clock: 'M8 14.5A6.5 6.5 0 108 1.5a6.5 6.5 0 000 13zM8 4.5V8l2.5 1.5',
  pause: 'M8 14.5A6.5 6.5 0 108 1.5a6.5 6.5 0 000 13zM6.5 5.5v5M9.5 5.5v5',
  dot: 'M8 10.5a2.5 2.5 0 100-5 2.5 2.5 0 000 5z',
  arrowRight: 'M3 8h10m-4-4l4 4-4 4',
  arrowLeft: 'M13 8H3m4-4L3 8l4 4',
  plus: 'M8 3v10M3 8h10',
  download: 'M8 2.5v8m-3.5-3.5L8 10.5 11.5 7M3 13.5h10',
  phone: 'M5 1.5h6a1 1 0 011 1v11a1 1 0 01-1 1H5a1 1 0 01-1-1v-11a1 1 0 011-1zM7 12h2',
  chart: 'M2.5 13.5h11M4.5 11V7.5M8 11V4M11.5 11V9',
  send: 'M2 8l12-5.5L10 14l-2-5-6-1z',
  link: 'M6.5 9.5l3-3M7 4.5l1.2-1.2a2.6 2.6 0 013.6 3.6L10.6 8M9 11.5l-1.2 1.2a2.6 2.6 0 01-3.6-3.6L5.4 8',
  refresh: 'M13 3.5v3h-3M3 12.5v-3h3M12.6 6.5A5 5 0 003.7 5M3.4 9.5a5 5 0 008.9 1.5',
  lock: 'M4.5 7h7a1 1 0 011 1v5a1 1 0 01-1 1h-7a1 1 0 01-1-1V8a1 1 0 011-1zM5.5 7V5a2.5 2.5 0 015 0v2',
  search: 'M7 12a5 5 0 100-10 5 5 0 000 10zM10.7 10.7L14 14',
  table: 'M2.5 3.5h11v9h-11zM2.5 6.5h11M2.5 9.5h11M6.5 6.5v6',
  logout: 'M6 2.5H3.5a1 1 0 00-1 1v9a1 1 0 001 1H6M10 5l3 3-3 3M13 8H6',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className, title }: { name: IconName; className?: string; title?: string }) {
  return (
    // biome-ignore lint/a11y/noSvgWithoutTitle: decorative (aria-hidden) unless a title is given, which it then carries
    <svg
      className={`icon${className ? ` ${className}` : ''}`}
      width="16"
      height="16"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
    >
      {title ? <title>{title}</title> : null}
      <path d={PATHS[name]} />
    </svg>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <span className="spinner" role={label ? 'status' : undefined}>
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="2" />
        <path
          d="M14 8a6 6 0 00-6-6"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
        />
      </svg>
      {label ? <span className="sr-only">{label}</span> : null}
    </span>
  );
}
