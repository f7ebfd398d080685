import { describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../api/client.js';
import { conversationsFileName, downloadFile, filenameFromDisposition } from './download.js';

describe('the CSV download', () => {
  it('reads the file name the api gives', () => {
    expect(filenameFromDisposition('attachment; filename="conversations-1-2026-05-01-2026-05-31.csv"')).toBe(
      'conversations-1-2026-05-01-2026-05-31.csv',
    );
    expect(filenameFromDisposition("attachment; filename*=UTF-8''caf%C3%A9.csv")).toBe('café.csv');
    expect(filenameFromDisposition('attachment')).toBeNull();
    expect(filenameFromDisposition(null)).toBeNull();
  });

  it('names the file after the number and the range otherwise', () => {
    expect(conversationsFileName('+55 11 91234-5678', '2026-05-01', '2026-05-31')).toBe(
      'conversations-5511912345678-2026-05-01-to-2026-05-31.csv',
    );
  });

  it('fetches with the API key and hands the browser a Blob under its name', async () => {
    const csv = 'contact,contact_name\r\n5511,Ana\r\n';
    const api = {
      download: vi.fn(
        async () => new Response(csv, { headers: { 'content-disposition': 'attachment; filename="c.csv"' } }),
      ),
    } as unknown as ApiClient;
    const clicked: Array<{ href: string; download: string }> = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push({ href: this.href, download: this.download });
    });
    let blob: Blob | null = null;
    const url = {
      createObjectURL: vi.fn((b: Blob) => {
        blob = b;
        return 'blob:http://x/1';
      }),
      revokeObjectURL: vi.fn(),
    };
    const result = await downloadFile(
      api,
      '/v1/numbers/1/analytics/conversations.csv?from=a&to=b',
      'fallback.csv',
      {
        document,
        url,
      },
    );
    expect(api.download).toHaveBeenCalledWith('/v1/numbers/1/analytics/conversations.csv?from=a&to=b');
    expect(result).toEqual({ name: 'c.csv', bytes: csv.length });
    expect(await (blob as unknown as Blob).text()).toBe(csv);
    expect(clicked).toEqual([{ href: 'blob:http://x/1', download: 'c.csv' }]);
    expect(document.querySelector('a[download]')).toBeNull();
    click.mockRestore();
  });
});
