/**
 * Runs the task service. Configuration by environment:
 *
 *   SOPFLOW_STORE       sqlite:./tasks.db (default) or postgres://user:pass@host/db
 *   SOPFLOW_PG_SCHEMA   PostgreSQL schema (default sopflow)
 *   SOPFLOW_DIAGRAMS    folder of .bpmn files and calendars.json (default: the examples folder)
 *   PORT, HOST          where to listen (default 3000 on 127.0.0.1; HOST=0.0.0.0 in a container)
 *
 * SIGTERM or SIGINT (Ctrl+C) shut it down gracefully.
 */
import { fileURLToPath } from 'node:url';
import { startTaskService } from './service.js';

const env = process.env;
const service = await startTaskService({
  store: env.SOPFLOW_STORE ?? 'sqlite:./tasks.db',
  ...(env.SOPFLOW_PG_SCHEMA ? { schema: env.SOPFLOW_PG_SCHEMA } : {}),
  diagrams: env.SOPFLOW_DIAGRAMS ?? fileURLToPath(new URL('../..', import.meta.url)),
  port: Number(env.PORT ?? 3000),
  host: env.HOST ?? '127.0.0.1',
  log: (line) => console.log(line),
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: finishing requests, stopping the engine, closing the store`);
    service.close().then(
      () => {
        console.log('task service stopped');
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  });
}

// Only now say so: a process manager may signal the moment it reads this line.
console.log(`task service listening on ${service.url}`);
