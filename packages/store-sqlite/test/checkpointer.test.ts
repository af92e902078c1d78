import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Checkpointer, type CheckpointResult } from '../src/Checkpointer.js';
import { openSqliteStore } from '../src/index.js';
import { commit, instance, tempFile } from './helpers.js';

describe('Checkpointer', () => {
  it('should copy the WAL into the database file from a worker thread, then stop', async () => {
    // given: a store without background checkpoints, with commits waiting in its WAL
    const path = tempFile();
    const store = openSqliteStore(path, { checkpointIntervalMs: 0 });
    await store.commit(commit({ instances: Array.from({ length: 50 }, (_, i) => ({ record: instance(`i${i}`), expectedRev: 0 })) }));
    await store.commit(commit({ instances: [{ record: instance('late'), expectedRev: 0 }] }));
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    // when
    let done!: (result: CheckpointResult) => void;
    const checkpointed = new Promise<CheckpointResult>((resolve) => (done = resolve));
    const checkpointer = new Checkpointer({ path, intervalMs: 5, busyTimeoutMs: 1000, onCheckpoint: done });
    const result = await checkpointed;
    await checkpointer.stop();
    // then: every frame of the WAL is in the file
    expect(result.log).toBeGreaterThan(0);
    expect(result.checkpointed).toBe(result.log);
    const [after] = store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
    expect(after.checkpointed).toBe(after.log);
    expect((await store.getInstance('late'))!.id).toBe('late');
    await store.close();
  });

  it('should end its thread when stopped even if it never found work', async () => {
    // given
    const path = tempFile();
    await openSqliteStore(path, { checkpointIntervalMs: 0 }).close();
    const checkpointer = new Checkpointer({ path, intervalMs: 1000, busyTimeoutMs: 1000 });
    // when
    const stopped = checkpointer.stop();
    // then
    await expect(stopped).resolves.toBeUndefined();
  });
});
