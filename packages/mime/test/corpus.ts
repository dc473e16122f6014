// The messages of the differential test: Python's email test suite messages (LF and CRLF forms) and our own torture corpus.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusMessage {
  name: string;
  bytes: Buffer;
}

/** Where Debian's libpython3.11-testsuite installs the email test messages. */
export const PYTHON_EMAIL_DATA = '/usr/lib/python3.11/test/test_email/data';
const OWN = join(import.meta.dirname, 'corpus');

function toCrlf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export function loadCorpus(): CorpusMessage[] {
  if (!existsSync(PYTHON_EMAIL_DATA)) {
    throw new Error(`${PYTHON_EMAIL_DATA} is missing: install the libpython3.11-testsuite package`);
  }
  const out: CorpusMessage[] = [];
  const python = readdirSync(PYTHON_EMAIL_DATA)
    .filter((f) => /^msg_.*\.txt$/.test(f))
    .sort();
  for (const f of python) {
    const bytes = readFileSync(join(PYTHON_EMAIL_DATA, f));
    out.push({ name: `python/${f}`, bytes });
    const crlf = toCrlf(bytes);
    if (!crlf.equals(bytes)) out.push({ name: `python/${f} (CRLF)`, bytes: crlf });
  }
  for (const f of readdirSync(OWN).filter((f) => f.endsWith('.eml')).sort()) {
    out.push({ name: `corpus/${f}`, bytes: readFileSync(join(OWN, f)) });
  }
  return out;
}
