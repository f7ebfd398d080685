import { useId, useMemo, useRef, useState } from 'react';
import { utcOffsetLabel } from '../format/dates.js';
import { useNow } from '../ui/useNow.js';
import { allTimeZones, filterTimeZones } from './requirements.js';

/**
 * A required IANA time zone: a search box over every zone the browser knows, and a list to pick
 * from (arrow keys move from the box into the list). Shows the local time there as a check.
 */
export function TimeZonePicker({
  value,
  onChange,
  invalid,
  describedBy,
}: {
  value: string;
  onChange: (zone: string) => void;
  invalid?: boolean;
  describedBy?: string;
}) {
  const id = useId();
  const now = useNow(30_000);
  const zones = useMemo(() => allTimeZones(), []);
  const [query, setQuery] = useState('');
  const list = useRef<HTMLSelectElement>(null);
  const matches = useMemo(() => {
    const found = filterTimeZones(zones, query, now);
    // the chosen zone stays visible (and selected) while searching
    return value && !found.includes(value) ? [value, ...found] : found;
  }, [zones, query, now, value]);
  const localTime = value
    ? new Intl.DateTimeFormat(undefined, {
        timeZone: value,
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
      }).format(now)
    : null;

  return (
    <div className="tz-picker">
      <div className="field">
        <label htmlFor={`${id}-search`}>Search time zones</label>
        <input
          id={`${id}-search`}
          type="search"
          value={query}
          placeholder="City or offset, e.g. Sao Paulo or UTC-3"
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown') {
              event.preventDefault();
              list.current?.focus();
            } else if (event.key === 'Enter') {
              event.preventDefault();
              const first = filterTimeZones(zones, query, now)[0];
              if (first) onChange(first);
            }
          }}
          aria-controls={`${id}-list`}
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-list`}>
          Time zone <span className="required">(required)</span>
        </label>
        <select
          id={`${id}-list`}
          ref={list}
          size={7}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          required
          name="timezone"
        >
          {matches.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')} ({utcOffsetLabel(zone, now)})
            </option>
          ))}
        </select>
        <p className="field-help" aria-live="polite">
          {matches.length === 0
            ? 'No zone matches: try the largest city in the same zone.'
            : value
              ? `Chosen: ${value}. It is ${localTime} there now.`
              : `${matches.length} zones.`}
        </p>
      </div>
    </div>
  );
}
