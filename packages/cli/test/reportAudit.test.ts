/**
 * `sopflow report` and `sopflow audit verify|export` on a real SQLite store
 * written by the engine: every format, the exit codes, and a trail tampered
 * with in the file itself.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, parseStoreUrl, type Io } from '@sopflow/cli';
import { createEngine, VirtualClock, type AuditEvent, type Report } from '@sopflow/engine';
import { createPostgresStore } from '@sopflow/store-postgres';
import { openSqliteStore } from '@sopflow/store-sqlite';
import pg from 'pg';
import { dropSchema, PG_URL, pgUnavailable, randomSchema } from '../../store-postgres/test/support.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="refund" name="Refund" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <bpmn:userTask id="review" name="审核退款" sop:candidateGroups="finance" sop:department="finance" sop:sla="PT1H"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

const T0 = '2026-11-23T09:00:00Z';

function io(cwd: string): Io & { out: string; err: string } {
  const box = { out: '', err: '' };
  return Object.assign(box, {
    stdout: (t: string) => void (box.out += t),
    stderr: (t: string) => void (box.err += t),
    cwd,
    env: {},
  });
}

let dir: string;

/**
 * A store with three refund cases started Monday 09:00 UTC: c1 reviewed in
 * 30 minutes (SLA met), c2 in 2 hours (missed), c3 still open at 12:00
 * (overdue). Returns its path.
 */
async function writeStore(name: string): Promise<string> {
  const file = join(dir, name);
  const store = openSqliteStore(file);
  const clock = new VirtualClock(T0);
  const engine = createEngine({ store, clock, scheduler: false });
  await engine.deploy(xml);
  const by = { id: 'ann', groups: ['finance'] };
  for (let i = 1; i <= 3; i++) await engine.start('refund', { businessKey: `R-${i}`, id: `c${i}` });
  const task = async (id: string) => (await engine.tasks({ instanceId: id })).items[0];
  await clock.advance('PT30M');
  await engine.complete((await task('c1')).id, { by });
  await clock.advance('PT90M');
  await engine.complete((await task('c2')).id, { by });
  await clock.advance('PT60M');
  await engine.close();
  await store.close();
  return file;
}

let file: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopflow-cli-'));
  file = await writeStore('sopflow.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sopflow report', () => {
  it('should print the KPI table, the step under its name with its figures', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['report', '--store', `sqlite:${file}`], out);
    // then
    expect(code).toBe(0);
    expect(out.err).toBe('');
    const lines = out.out.split('\n');
    expect(lines[0]).toBe('KPI report, the beginning – now');
    const header = lines.find((l) => l.startsWith('node '))!;
    const row = lines.find((l) => l.startsWith('refund / 审核退款 '))!;
    expect(header).toBeDefined();
    expect(row).toBeDefined();
    // aligned: the row (two-column-wide Chinese characters) ends where the header ends
    const width = (s: string) => [...s].reduce((w, c) => w + (/[\u4e00-\u9fff]/.test(c) ? 2 : 1), 0);
    expect(width(row)).toBe(width(header));
    expect(out.out).toContain('refund: 3 started, 2 completed, 0 cancelled, 1 running');
    expect(lines.find((l) => l.startsWith('finance'))).toBeDefined();
  });

  it('should print JSON equal to what the store reports', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['report', '--store', file, '--format', 'json'], out);
    // then
    expect(code).toBe(0);
    const report = JSON.parse(out.out) as Report;
    const store = openSqliteStore(file, { readonly: true });
    try {
      // the period ends now: everything in the store happened before
      expect(report).toEqual({ ...(await store.report({ to: Date.now() })), query: {} });
    } finally {
      await store.close();
    }
    const review = report.nodes.find((n) => n.node === 'review')!;
    expect(review).toMatchObject({ nodeName: '审核退款', executions: 2, withSla: 2, slaMet: 1, compliance: 0.5, overdue: 2, openOverdue: 1 });
    expect(review.cycle).toEqual({ count: 2, medianMs: 75 * 60_000, p90Ms: 111 * 60_000, maxMs: 120 * 60_000 });
    expect(report.departments).toEqual([expect.objectContaining({ department: 'finance', executions: 2, overdue: 2 })]);
  });

  it('should give only the groupings --group-by names, and refuse one it does not know', async () => {
    // given
    const out = io(dir);
    const wrong = io(dir);
    // when
    const code = await main(['report', '--store', file, '--format', 'json', '--group-by', 'node, department'], out);
    // then: the steps and departments as without it, no process rows
    expect(code).toBe(0);
    const report = JSON.parse(out.out) as Report;
    expect(report.query).toEqual({ groupBy: ['node', 'department'] });
    expect(report.processes).toEqual([]);
    expect(report.nodes.map((n) => n.node)).toContain('review');
    expect(report.departments.map((d) => d.department)).toEqual(['finance']);
    expect(await main(['report', '--store', file, '--group-by', 'team'], wrong)).toBe(2);
    expect(wrong.err).toBe("sopflow report: --group-by 'team': expected process, node and/or department, comma-separated.\n");
  });

  it('should print CSV with a byte order mark, one row per process, step and department', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['report', '--store', file, '--format', 'csv'], out);
    // then
    expect(code).toBe(0);
    expect(out.out.startsWith('\uFEFFscope,process,node,nodeName,department,executions,')).toBe(true);
    const rows = out.out.slice(1).trimEnd().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 6))).toEqual([
      ['process', 'refund', '', '', '', '2'],
      ['node', 'refund', 'review', '审核退款', '', '2'],
      ['department', '', '', '', 'finance', '2'],
    ]);
    expect(rows[2].split(',').slice(6, 9)).toEqual([String(75 * 60_000), String(111 * 60_000), String(120 * 60_000)]);
  });

  it('should write a self-contained HTML page to report.html by default', async () => {
    // given
    const cwd = mkdtempSync(join(dir, 'html-'));
    const out = io(cwd);
    // when
    const code = await main(['report', '--store', file, '--format', 'html'], out);
    // then
    expect(code).toBe(0);
    expect(out.out).toBe('');
    expect(out.err).toBe(`Wrote ${join(cwd, 'report.html')}\n`);
    const page = readFileSync(join(cwd, 'report.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('审核退款');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|\bsrc=|<link/i);
  });

  it('should write any format to --out instead of standard output', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['report', '--store', file, '--format', 'json', '--out', 'r.json'], out);
    // then
    expect(code).toBe(0);
    expect(out.out).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).nodes[0].node).toBe('review');
  });

  it('should count only the period [--from, --to), dates read in --tz', async () => {
    // given: everything happened on 2026-11-23 between 09:00 and 12:00 UTC, i.e. 17:00–20:00 in Shanghai
    const before = io(dir);
    const during = io(dir);
    // when
    const a = await main(['report', '--store', file, '--format', 'json', '--from', '2026-11-22', '--to', '2026-11-23T17:00', '--tz', 'Asia/Shanghai'], before);
    const b = await main(['report', '--store', file, '--format', 'json', '--from', '2026-11-23T17:00', '--to', '2026-11-24', '--tz', 'Asia/Shanghai'], during);
    // then
    expect([a, b]).toEqual([0, 0]);
    const early = JSON.parse(before.out) as Report;
    const late = JSON.parse(during.out) as Report;
    expect(early.query).toEqual({ from: Date.parse('2026-11-21T16:00:00Z'), to: Date.parse('2026-11-23T09:00:00Z') });
    expect(early.nodes.reduce((n, k) => n + k.executions, 0)).toBe(0);
    expect(late.nodes.find((n) => n.node === 'review')?.executions).toBe(2);
  });

  it('should show the period in --tz, not in UTC', async () => {
    // given
    const table = io(dir);
    const cwd = mkdtempSync(join(dir, 'tz-'));
    const page = io(cwd);
    const args = ['--store', file, '--from', '2026-11-01', '--to', '2026-12-01', '--tz', 'Asia/Shanghai'];
    // when
    await main(['report', ...args], table);
    await main(['report', ...args, '--format', 'html'], page);
    // then: midnight in Shanghai is 16:00 UTC the day before — the reader asked for November
    expect(table.out.split('\n')[0]).toBe('KPI report, 2026-11-01 00:00 – 2026-12-01 00:00 (Asia/Shanghai)');
    expect(readFileSync(join(cwd, 'report.html'), 'utf8')).toContain('2026-11-01 – 2026-12-01');
  });

  it('should not count an open step as overdue before its due time (a period without --to ends now)', async () => {
    // given: a case started an hour ago (wall time: the command reports as of now) whose step is due in 30 days
    const recent = join(dir, 'recent.db');
    const store = openSqliteStore(recent);
    const engine = createEngine({ store, clock: new VirtualClock(Date.now() - 3_600_000), scheduler: false });
    await engine.deploy(xml.replace('sop:sla="PT1H"', 'sop:sla="P30D"'));
    await engine.start('refund', { id: 'r1' });
    await engine.close();
    await store.close();
    const out = io(dir);
    // when
    const code = await main(['report', '--store', recent, '--format', 'json'], out);
    // then
    expect(code).toBe(0);
    const report = JSON.parse(out.out) as Report;
    expect(report.query).toEqual({});
    expect(report.nodes).toEqual([expect.objectContaining({ node: 'review', executions: 0, overdue: 0, openOverdue: 0 })]);
    expect(report.processes[0].instances).toEqual({ started: 1, completed: 0, cancelled: 0, running: 1 });
  });

  it('should refuse an unknown format and a date it cannot read with exit 2', async () => {
    // given
    const a = io(dir);
    const b = io(dir);
    // when / then
    expect(await main(['report', '--store', file, '--format', 'pdf'], a)).toBe(2);
    expect(a.err).toBe("sopflow report: --format 'pdf': expected table, json, csv or html.\n");
    expect(await main(['report', '--store', file, '--from', 'yesterday'], b)).toBe(2);
    expect(b.err).toMatch(/^sopflow report: --from 'yesterday': /);
  });
});

describe('sopflow audit', () => {
  it('should verify every chain of an untouched store and exit 0', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['audit', 'verify', '--store', file], out);
    // then
    expect(code).toBe(0);
    expect(out.out).toBe('✓ 4 audit chain(s) verified\n');
  });

  it('should verify one instance with --instance', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['audit', 'verify', '--store', file, '--instance', 'c2'], out);
    // then
    expect(code).toBe(0);
    expect(out.out).toBe('✓ 1 audit chain(s) verified\n');
  });

  it.each([
    ['an edited field', `UPDATE audit SET actor = 'mallory' WHERE instance_id = 'c2' AND seq = 3`, 'c2', '#3 edited: Event #3 ('],
    ['edited data', `UPDATE audit SET data = replace(data, 'ann', 'eve') WHERE instance_id = 'c1' AND type = 'task.completed'`, 'c1', 'edited: Event #'],
    ['a deleted row', `DELETE FROM audit WHERE instance_id = 'c3' AND seq = 2`, 'c3', '#2 missing: Event #2 is missing'],
    ['a deleted last row', `DELETE FROM audit WHERE instance_id = 'c1' AND seq = (SELECT max(seq) FROM audit WHERE instance_id = 'c1')`, 'c1', 'truncated: The instance recorded'],
    ['an edited deployment', `UPDATE audit SET actor = 'mallory' WHERE instance_id = 'process:refund'`, 'process:refund', '#1 edited: Event #1 (deployment.created)'],
  ])('should exit 1 and name the event after %s in the SQLite file', async (_what, statement, instanceId, named) => {
    // given
    const tampered = await writeStore(`tampered-${Math.random().toString(36).slice(2)}.db`);
    const db = new Database(tampered);
    expect(db.prepare(statement).run().changes).toBe(1);
    db.close();
    const out = io(dir);
    // when
    const code = await main(['audit', 'verify', '--store', tampered], out);
    // then
    expect(code).toBe(1);
    const lines = out.out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`✗ ${instanceId} `);
    expect(lines[0]).toContain(named);
    expect(lines[1]).toBe('1 of 4 chain(s) broken');
  });

  it('should export the trail as JSON Lines, every event with its hash, in chain order', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['audit', 'export', '--store', file], out);
    // then
    expect(code).toBe(0);
    const events = out.out.trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEvent);
    const db = new Database(file, { readonly: true });
    const stored = db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number };
    db.close();
    expect(events).toHaveLength(stored.n);
    for (const e of events) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    const c2 = events.filter((e) => e.instanceId === 'c2');
    expect(c2.map((e) => e.seq)).toEqual(c2.map((_, i) => i + 1));
    expect(c2[0]).toMatchObject({ type: 'instance.started', businessKey: 'R-2', processId: 'refund' });
  });

  it('should export one instance as CSV with a byte order mark', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['audit', 'export', '--store', file, '--format', 'csv', '--instance', 'c1'], out);
    // then
    expect(code).toBe(0);
    expect(out.out.startsWith('\uFEFFinstanceId,seq,time,type,actor,processId,version,businessKey,node,nodeName,data,prevHash,hash\r\n')).toBe(true);
    const rows = out.out.slice(1).trimEnd().split('\r\n').slice(1);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((r) => r.startsWith('c1,'))).toBe(true);
    expect(rows.some((r) => r.includes(',task.completed,ann,refund,1,R-1,review,审核退款,'))).toBe(true);
  });

  it('should export an XES log with a trace per case to --out', async () => {
    // given
    const out = io(dir);
    // when
    const code = await main(['audit', 'export', '--store', file, '--format', 'xes', '--process', 'refund', '--out', 'log.xes'], out);
    // then
    expect(code).toBe(0);
    expect(out.out).toBe('');
    expect(out.err).toBe(`Wrote ${join(dir, 'log.xes')}\n`);
    const log = readFileSync(join(dir, 'log.xes'), 'utf8');
    expect(log).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<log /);
    expect(log.match(/<trace>/g)).toHaveLength(3);
    expect(log.match(/<string key="lifecycle:transition" value="complete"\/>/g)?.length).toBeGreaterThanOrEqual(2);
    expect(log).toContain('value="审核退款"');
    expect(log.trimEnd().endsWith('</log>')).toBe(true);
  });

  it('should wait while standard output is full before writing the next chunk', async () => {
    // given: an output that is full after every chunk, drained on the next turn of the event loop
    let chunks = 0;
    let pending = 0;
    let most = 0;
    const slow = Object.assign(io(dir), {
      stdout: () => {
        chunks++;
        most = Math.max(most, ++pending);
        return new Promise<void>((drained) => setTimeout(() => drained(void pending--), 0));
      },
    });
    // when
    const code = await main(['audit', 'export', '--store', file], slow);
    // then: one chunk in flight at a time — a slow reader holds the export back instead of filling memory
    expect(code).toBe(0);
    expect(chunks).toBeGreaterThan(20);
    expect(most).toBe(1);
  });

  it('should stop quietly when the reader closes the pipe early (sopflow audit export | head -1)', async () => {
    // given: a trail far larger than a pipe's buffer, exported by the real binary (from source)
    const big = join(dir, 'big.db');
    const store = openSqliteStore(big);
    const engine = createEngine({ store, clock: new VirtualClock(T0), scheduler: false });
    await engine.deploy(xml);
    for (let i = 0; i < 100; i++) await engine.start('refund', { businessKey: `B-${i}`, variables: { note: 'x'.repeat(200) } });
    await engine.close();
    await store.close();
    const bin = new URL('../src/bin.ts', import.meta.url).pathname;
    // when: the reader takes the first line and closes its end
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, bin, 'audit', 'export', '--store', big], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => void (stderr += t));
    let first = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      first += t;
      if (first.includes('\n')) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    // then
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(first.slice(0, first.indexOf('\n')))).toMatchObject({ processId: 'refund', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  }, 60_000);

  it('should exit 2 on a missing or unknown subcommand, an unknown format and a missing store', async () => {
    // given
    const none = io(dir);
    const wrong = io(dir);
    const format = io(dir);
    const missing = io(dir);
    // when / then
    expect(await main(['audit'], none)).toBe(2);
    expect(none.out).toContain('Usage: sopflow audit verify');
    expect(await main(['audit', 'repair', '--store', file], wrong)).toBe(2);
    expect(wrong.err).toBe("sopflow audit: Unknown audit command 'repair'. Use verify or export.\n");
    expect(await main(['audit', 'export', '--store', file, '--format', 'pdf'], format)).toBe(2);
    expect(format.err).toBe("sopflow audit: --format 'pdf': expected jsonl, csv or xes.\n");
    expect(await main(['audit', 'verify', '--store', join(dir, 'nope.db')], missing)).toBe(2);
    expect(missing.err).toContain(`No sopflow store at ${join(dir, 'nope.db')}`);
    expect(existsSync(join(dir, 'nope.db'))).toBe(false);
  });
});

describe('sopflow report and audit on PostgreSQL', () => {
  it('should take the schema out of the connection string (?schema=)', () => {
    expect(parseStoreUrl('postgres://u:p@h:5432/db?schema=ops', '/w')).toEqual({ kind: 'postgres', location: 'postgres://u:p@h:5432/db', schema: 'ops' });
    expect(parseStoreUrl('postgres://h/db?sslmode=require&schema=ops', '/w')).toEqual({ kind: 'postgres', location: 'postgres://h/db?sslmode=require', schema: 'ops' });
    expect(parseStoreUrl('postgresql://h/db?schema=ops&sslmode=require', '/w')).toEqual({ kind: 'postgres', location: 'postgresql://h/db?sslmode=require', schema: 'ops' });
    expect(parseStoreUrl('postgres://h/db?sslmode=require', '/w')).toEqual({ kind: 'postgres', location: 'postgres://h/db?sslmode=require' });
  });

  it.skipIf(pgUnavailable)('should report on a schema and name an event edited in its audit table with exit 1', async () => {
    // given: the refund cases in a schema of their own
    const schema = randomSchema();
    try {
      const store = await createPostgresStore({ connectionString: PG_URL, schema });
      const clock = new VirtualClock(T0);
      const engine = createEngine({ store, clock, scheduler: false });
      await engine.deploy(xml);
      await engine.start('refund', { id: 'p1', businessKey: 'R-1' });
      await clock.advance('PT2H');
      await engine.complete((await engine.tasks({ instanceId: 'p1' })).items[0].id, { by: { id: 'ann', groups: ['finance'] } });
      await engine.close();
      await store.close();
      const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
      const report = io(dir);
      const clean = io(dir);
      const broken = io(dir);
      // when
      const reported = await main(['report', '--store', url, '--format', 'json'], report);
      const verified = await main(['audit', 'verify', '--store', url], clean);
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      const { rowCount } = await client.query(`UPDATE "${schema}".audit SET actor = 'mallory' WHERE instance_id = 'p1' AND type = 'task.completed'`);
      const { rows } = await client.query<{ seq: number }>(`SELECT seq FROM "${schema}".audit WHERE instance_id = 'p1' AND type = 'task.completed'`);
      await client.end();
      const tampered = await main(['audit', 'verify', '--store', url], broken);
      // then
      expect(reported).toBe(0);
      expect((JSON.parse(report.out) as Report).nodes).toEqual([expect.objectContaining({ node: 'review', executions: 1, withSla: 1, slaMet: 0, overdue: 1 })]);
      expect([verified, clean.out]).toEqual([0, '✓ 2 audit chain(s) verified\n']);
      expect(rowCount).toBe(1);
      expect(tampered).toBe(1);
      expect(broken.out).toBe(`✗ p1 #${rows[0].seq} edited: Event #${rows[0].seq} (task.completed) does not match its hash: it was edited.\n1 of 2 chain(s) broken\n`);
    } finally {
      await dropSchema(schema);
    }
  });
});
