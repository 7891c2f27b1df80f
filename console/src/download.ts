import { ApiError, type Problem } from './api/client';

/**
 * Saves a reply of the authenticated client as a file. The request carries the token in its
 * Authorization header (api.ts), never in a URL, so no link, history entry or log line holds it;
 * the body becomes a blob: URL that lives only until the click has started the download.
 */
export async function saveReply(call: Promise<{ data?: unknown; error?: unknown; response: Response }>, fallbackName: string) {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok || !(data instanceof Blob)) {
    const problem = (error && typeof error === 'object' && 'status' in error ? error : { type: 'about:blank', title: response.statusText, status: response.status, code: 'UNKNOWN' }) as Problem;
    throw new ApiError(problem);
  }
  saveBlob(data, fileNameOf(response) ?? fallbackName);
}

/** Saves text made in the browser (e.g. the figures already on the page) as a CSV file. */
export function saveCsv(rows: (string | number | null | undefined)[][], name: string) {
  // A BOM so that spreadsheet programs read the Chinese as UTF-8.
  saveBlob(new Blob(['\ufeff', rows.map((r) => r.map(csvCell).join(',')).join('\r\n'), '\r\n'], { type: 'text/csv;charset=utf-8' }), name);
}

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula starts with an apostrophe. */
function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function fileNameOf(response: Response): string | undefined {
  const disposition = response.headers.get('content-disposition') ?? '';
  return /filename="([^"]+)"/.exec(disposition)?.[1];
}

function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
