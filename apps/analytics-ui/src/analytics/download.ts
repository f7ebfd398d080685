import type { ApiClient } from '../api/client.js';

/** `attachment; filename="x.csv"` → `x.csv` (RFC 6266, including `filename*=UTF-8''…`). */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {}
  }
  const plain = /filename\s*=\s*"([^"]+)"|filename\s*=\s*([^;]+)/i.exec(header);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name || null;
}

export function conversationsFileName(displayPhoneNumber: string, from: string, to: string): string {
  return `conversations-${displayPhoneNumber.replace(/\D/g, '')}-${from}-to-${to}.csv`;
}

/**
 * A link cannot carry the Authorization header, so the file is fetched with it and handed to the
 * browser as a Blob under its name.
 */
export async function downloadFile(
  api: ApiClient,
  path: string,
  fallbackName: string,
  environment: { document: Document; url: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'> } = {
    document,
    url: URL,
  },
): Promise<{ name: string; bytes: number }> {
  const response = await api.download(path);
  const blob = await response.blob();
  const name = filenameFromDisposition(response.headers.get('content-disposition')) ?? fallbackName;
  const href = environment.url.createObjectURL(blob);
  const link = environment.document.createElement('a');
  link.href = href;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  environment.document.body.appendChild(link);
  link.click();
  link.remove();
  // the browser has taken the file once the click ran; free the memory a little later
  setTimeout(() => environment.url.revokeObjectURL(href), 10_000);
  return { name, bytes: blob.size };
}
