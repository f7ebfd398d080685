import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { whatsappText } from './whatsappText.js';

afterEach(cleanup);

const html = (text: string) => render(<p>{whatsappText(text)}</p>).container.innerHTML;

describe('WhatsApp formatting in the preview', () => {
  it('renders bold, italic, strikethrough and monospace', () => {
    expect(html("*You're all set!* _now_ ~old~ ```code```")).toBe(
      "<p><strong>You're all set!</strong> <em>now</em> <s>old</s> <code>code</code></p>",
    );
  });

  it('leaves markers that do not hug text alone', () => {
    expect(html('2 * 3 * 4 and snake_case_name')).toBe('<p>2 * 3 * 4 and snake_case_name</p>');
  });
});
