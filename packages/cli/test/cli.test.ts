import { describe, expect, it } from 'vitest';
import { main, parseStoreUrl, type Io } from '@sopflow/cli';

function io(): Io & { out: string; err: string } {
  const box = { out: '', err: '' };
  return Object.assign(box, {
    stdout: (t: string) => void (box.out += t),
    stderr: (t: string) => void (box.err += t),
    cwd: '/tmp',
    env: {},
  });
}

describe('sopflow command line', () => {
  it('should print usage and exit 2 without a command', async () => {
    const out = io();
    expect(await main([], out)).toBe(2);
    expect(out.out).toContain('Usage: sopflow <command>');
  });

  it('should refuse an unknown command and an unknown option with exit 2', async () => {
    const a = io();
    expect(await main(['frobnicate'], a)).toBe(2);
    expect(a.err).toContain("Unknown command 'frobnicate'");
    const b = io();
    expect(await main(['report', '--colour'], b)).toBe(2);
    expect(b.err).toMatch(/sopflow report: Unknown option '--colour'/);
  });

  it('should refuse a store that does not exist instead of reporting on an empty one', async () => {
    const out = io();
    expect(await main(['report', '--store', 'sqlite:./no-such-file.db'], out)).toBe(2);
    expect(out.err).toContain('No sopflow store at /tmp/no-such-file.db');
  });

  it('should read store URLs', () => {
    expect(parseStoreUrl('sqlite:data/s.db', '/w')).toEqual({ kind: 'sqlite', location: '/w/data/s.db' });
    expect(parseStoreUrl('/abs/x.db', '/w')).toEqual({ kind: 'sqlite', location: '/abs/x.db' });
    expect(parseStoreUrl('postgres://u:p@h/db', '/w')).toEqual({ kind: 'postgres', location: 'postgres://u:p@h/db' });
  });
});
