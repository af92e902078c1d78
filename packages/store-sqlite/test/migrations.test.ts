import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SopflowError } from '@sopflow/engine';
import { NotASopflowDatabaseError, openSqliteStore, SchemaOutdatedError, SchemaTooNewError, SQLITE_SCHEMA_VERSION } from '../src/index.js';
import { applyMigrations, MIGRATIONS, SOPFLOW_APPLICATION_ID } from '../src/migrations.js';
import { commit, instance, T0, tempFile } from './helpers.js';

/** A file as sopflow with schema 1 left it: migration 1 only, one instance and one task written by hand. */
function versionOneFile(): string {
  const path = tempFile();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  applyMigrations(db, 1);
  db.prepare(
    `INSERT INTO instances (id, process_id, definition, version, status, started_at, rev, incidents, audit_seq, audit_hash, state)
     VALUES ('i1', 'p', 'p:1', 1, 'running', ?, 1, 0, 0, 'h', ?)`,
  ).run(T0, JSON.stringify(instance('i1').state));
  db.prepare(
    `INSERT INTO tasks (id, instance_id, process_id, definition, node, candidate_users, candidate_groups, created_at) VALUES ('t1', 'i1', 'p', 'p:1', 'review', '[]', '["ops"]', ?)`,
  ).run(T0);
  db.prepare("INSERT INTO task_candidates (kind, value, created_at, task_id) VALUES ('group', 'ops', ?, 't1')").run(T0);
  db.close();
  return path;
}

function stampVersion(path: string, version: number): void {
  const db = new Database(path);
  db.pragma(`user_version = ${version}`);
  db.close();
}

describe('schema migrations', () => {
  it('should number its migrations 1, 2, 3… up to SQLITE_SCHEMA_VERSION, with more than one', () => {
    // given
    const versions = MIGRATIONS.map((m) => m.version);
    // then
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    expect(SQLITE_SCHEMA_VERSION).toBe(versions.length);
  });

  it('should open a schema 1 file, upgrade it in order and keep its data', async () => {
    // given
    const path = versionOneFile();
    // when
    const store = openSqliteStore(path);
    // then
    expect(store.db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
    expect(store.db.prepare('SELECT version, name FROM sopflow_migrations ORDER BY version').all()).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect((await store.getInstance('i1'))!.state).toEqual(instance('i1').state);
    expect((await store.findTasks({ candidateGroups: ['ops'] })).items.map((t) => t.id)).toEqual(['t1']);
    // and what later migrations added works
    await store.commit(
      commit({ history: [{ id: 'a1', instanceId: 'i1', processId: 'p', version: 1, node: 'review', nodeType: 'userTask', visit: 1, startedAt: T0, reminders: 0, escalations: 0 }] }),
    );
    expect((await store.report({})).nodes.map((n) => n.node)).toEqual(['review']);
    expect(store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'instances_%' ORDER BY name").pluck().all()).not.toContain('instances_by_process');
    await store.close();
  });

  it('should refuse a file written by a newer sopflow, and leave it as it was', async () => {
    // given
    const path = tempFile();
    await openSqliteStore(path).close();
    stampVersion(path, 999);
    const before = readFileSync(path);
    // when
    let error: unknown;
    try {
      openSqliteStore(path);
    } catch (e) {
      error = e;
    }
    // then
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect(error).toBeInstanceOf(SopflowError);
    expect(error).toMatchObject({
      code: 'store.schema-too-new',
      message: `sopflow.db was written by a newer sopflow (schema 999); this version reads up to schema ${SQLITE_SCHEMA_VERSION}. Upgrade sopflow.`,
      details: { found: 999, supported: SQLITE_SCHEMA_VERSION },
    });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('should refuse an older file when told not to migrate, or opened read-only', () => {
    // given
    const path = versionOneFile();
    // when
    const refused = [() => openSqliteStore(path, { migrate: false }), () => openSqliteStore(path, { readonly: true })].map((open) => {
      try {
        open();
        return undefined;
      } catch (e) {
        return e;
      }
    });
    // then
    expect(refused[0]).toBeInstanceOf(SchemaOutdatedError);
    expect(refused[0]).toMatchObject({ code: 'store.schema-outdated', details: { found: 1, required: SQLITE_SCHEMA_VERSION, reason: 'migrate-disabled' } });
    expect(refused[1]).toBeInstanceOf(SchemaOutdatedError);
    expect(refused[1]).toMatchObject({ code: 'store.schema-outdated', details: { found: 1, reason: 'readonly' } });
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it("should refuse another application's SQLite database without writing to it", () => {
    // given
    const path = tempFile('other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    other.close();
    // when
    const open = () => openSqliteStore(path);
    // then
    expect(open).toThrow(NotASopflowDatabaseError);
    expect(open).toThrow(expect.objectContaining({ code: 'store.not-sopflow' }));
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.pragma('application_id', { simple: true })).toBe(0);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
  });

  it('should mark its files with the sopflow application id and apply nothing twice', async () => {
    // given
    const path = tempFile();
    await openSqliteStore(path).close();
    const db = new Database(path);
    // when
    const reached = applyMigrations(db);
    // then
    expect(reached).toBe(SQLITE_SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(SOPFLOW_APPLICATION_ID);
    expect(db.prepare('SELECT count(*) FROM sopflow_migrations').pluck().get()).toBe(SQLITE_SCHEMA_VERSION);
    db.close();
  });

  it('should roll back a failing migration step entirely and keep the version before it', () => {
    // given: a file at schema 2 in which step 3 cannot run (its table already exists)
    const path = tempFile();
    const db = new Database(path);
    applyMigrations(db, 2);
    db.exec('CREATE TABLE history (id TEXT)');
    db.close();
    // when
    const open = () => openSqliteStore(path);
    // then
    expect(open).toThrow(/history already exists/);
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(2);
    expect(after.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'instances_for_report'").pluck().get()).toBe(0);
    after.close();
  });
});
