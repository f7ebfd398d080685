import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs`, for countdowns ("closes in 3 h 12 min"). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
