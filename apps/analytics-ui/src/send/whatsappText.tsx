import type { ReactNode } from 'react';

/**
 * WhatsApp's inline formatting for the preview: *bold*, _italic_, ~strikethrough~ and
 * ```monospace```. A marker only counts when it hugs the text, as WhatsApp renders it.
 */
const FORMAT =
  /(?<![\p{L}\p{N}_])(?:```([^`]+)```|\*(\S(?:[^*\n]*\S)?)\*|_(\S(?:[^_\n]*\S)?)_|~(\S(?:[^~\n]*\S)?)~)(?![\p{L}\p{N}_])/gu;

export function whatsappText(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(FORMAT)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    const [, mono, bold, italic, strike] = match;
    const key = `${at}`;
    if (mono !== undefined) parts.push(<code key={key}>{mono}</code>);
    else if (bold !== undefined) parts.push(<strong key={key}>{bold}</strong>);
    else if (italic !== undefined) parts.push(<em key={key}>{italic}</em>);
    else parts.push(<s key={key}>{strike}</s>);
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
