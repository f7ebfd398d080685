import { formatDuration } from './format.js';

export function App() {
  return (
    <main>
      <h1>Coexist</h1>
      <p>
        The dashboard arrives with the analytics issue. Median first response in the demo data:{' '}
        {formatDuration(216_800)}.
      </p>
    </main>
  );
}
