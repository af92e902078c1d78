/**
 * The default store of every command: with no `--store` (and no
 * SOPFLOW_STORE), `sopflow start` creates `./sopflow.db` in the working
 * folder, and `sopflow report` / `sopflow audit verify` read that file.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, type Io } from '@sopflow/cli';
import { createEngine, VirtualClock, type Report } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';
import { startCommand } from '../src/commands/start.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="refund" name="Refund" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <bpmn:userTask id="review" name="Review" sop:candidateGroups="finance" sop:sla="PT1H"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

function io(cwd: string): Io & { out: string; err: string } {
  const box = { out: '', err: '' };
  return Object.assign(box, { stdout: (t: string) => void (box.out += t), stderr: (t: string) => void (box.err += t), cwd, env: {} });
}

describe('the default store ./sopflow.db', () => {
  let dir: string;
  let pages: string;

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'sopflow-default-store-')));
    pages = await mkdtemp(join(tmpdir(), 'sopflow-pages-'));
    for (const page of ['index.html', 'run.html', 'monitor.html']) await writeFile(join(pages, page), `<!doctype html><title>${page}</title>`);
    await writeFile(join(dir, 'refund.bpmn'), xml);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(pages, { recursive: true, force: true });
  });

  it('should create ./sopflow.db in the working folder when sopflow start is given no --store', async () => {
    // given: a folder with a diagram and no store
    expect(existsSync(join(dir, 'sopflow.db'))).toBe(false);
    const out = io(dir);
    const controller = new AbortController();

    // when
    const code = await startCommand(['--no-open'], out, { pagesDir: pages, clock: new VirtualClock('2026-11-23T09:00:00Z'), signal: controller.signal, onListening: () => controller.abort() });

    // then: the store is that file, and it holds the deployment
    expect(code).toBe(0);
    expect(out.out).toContain(`store sqlite:${join(dir, 'sopflow.db')}\n`);
    expect(existsSync(join(dir, 'sopflow.db'))).toBe(true);
    const store = openSqliteStore(join(dir, 'sopflow.db'), { readonly: true });
    try {
      expect((await store.listDeployments()).map((d) => d.processId)).toEqual(['refund']);
    } finally {
      await store.close();
    }
  });

  it('should report on and verify ./sopflow.db when report and audit verify are given no --store', async () => {
    // given: ./sopflow.db written by an engine (two cases, one reviewed), and an elsewhere.db that must not be read
    const store = openSqliteStore(join(dir, 'sopflow.db'));
    const clock = new VirtualClock('2026-11-23T09:00:00Z');
    const engine = createEngine({ store, clock, scheduler: false });
    await engine.deploy(xml);
    await engine.start('refund', { id: 'c1' });
    await engine.start('refund', { id: 'c2' });
    await clock.advance('PT30M');
    await engine.complete((await engine.tasks({ instanceId: 'c1' })).items[0].id, { by: { id: 'ann', groups: ['finance'] } });
    const expected = await store.report({ to: Date.now() });
    await engine.close();
    await store.close();

    // when
    const report = io(dir);
    const reportCode = await main(['report', '--format', 'json'], report);
    const verify = io(dir);
    const verifyCode = await main(['audit', 'verify'], verify);

    // then: the figures are those of ./sopflow.db (1 review done of 2), and its 3 chains (2 cases, 1 deployment) verify
    expect(reportCode, report.err).toBe(0);
    const printed = JSON.parse(report.out) as Report;
    expect(printed).toEqual({ ...expected, query: {} });
    expect(printed.nodes.find((n) => n.node === 'review')).toMatchObject({ executions: 1 });
    expect(verifyCode, verify.err).toBe(0);
    expect(verify.out).toBe('✓ 3 audit chain(s) verified\n');
  });

  it('should refuse report and audit in a folder without ./sopflow.db, naming the file, and create none', async () => {
    // given: an empty working folder
    const empty = await realpath(await mkdtemp(join(tmpdir(), 'sopflow-no-store-')));
    try {
      // when
      const report = io(empty);
      const reportCode = await main(['report'], report);
      const verify = io(empty);
      const verifyCode = await main(['audit', 'verify'], verify);

      // then
      expect([reportCode, verifyCode]).toEqual([2, 2]);
      expect(report.err).toContain(`No sopflow store at ${join(empty, 'sopflow.db')}`);
      expect(verify.err).toContain(`No sopflow store at ${join(empty, 'sopflow.db')}`);
      expect(existsSync(join(empty, 'sopflow.db'))).toBe(false);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
