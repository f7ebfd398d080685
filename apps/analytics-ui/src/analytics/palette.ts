/**
 * Chart colours (SVG attributes cannot read CSS variables). Neighbouring series differ in
 * lightness as well as hue, and every chart also has a legend, tooltips and a table view, so
 * colour is never the only way to tell series apart.
 */
export const SERIES = {
  inbound: '#2f6fdf',
  outbound: '#14a38b',
  history: '#8aa5dc',
  echo: '#e59a1c',
  live: '#1d3f9a',
  api: '#7252d8',
  phoneApp: '#e59a1c',
  firstResponse: '#2f6fdf',
  response: '#14a38b',
  sent: '#9aa7b8',
  delivered: '#2f6fdf',
  read: '#14a38b',
  failed: '#d43d3d',
  customer: '#2f6fdf',
  business: '#14a38b',
  newContacts: '#7252d8',
  activeContacts: '#2f6fdf',
  share: '#1f2937',
} as const;

export const GRID = '#e6e9ef';
export const AXIS = '#6b7280';

/** A blue ramp for the heatmap, light to dark; index by intensity 0…1. */
export function heatColour(intensity: number): string {
  if (!(intensity > 0)) return '#f3f5f9';
  const t = Math.min(1, Math.max(0, intensity));
  // from #dbe7fb to #1d4fb8
  const from = [219, 231, 251];
  const to = [29, 79, 184];
  const mix = from.map((f, i) => Math.round(f + ((to[i] as number) - f) * t ** 0.8));
  return `rgb(${mix.join(',')})`;
}

/** Text on a heat cell stays readable: dark on light cells, white on dark ones. */
export function heatText(intensity: number): string {
  return intensity > 0.55 ? '#ffffff' : '#1f2937';
}
