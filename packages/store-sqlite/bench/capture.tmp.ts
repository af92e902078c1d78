import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createEngine, VirtualClock, MemoryStore, type Commit } from '@sopflow/engine';
const HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="measure">\n';
const parts = [HEADER, `<bpmn:process id="five" isExecutable="true"><bpmn:startEvent id="start"/>`];
let previous = 'start';
for (let i = 1; i <= 5; i++) { parts.push(`<bpmn:sequenceFlow id="f${i}" sourceRef="${previous}" targetRef="task${i}"/><bpmn:userTask id="task${i}" name="Step ${i}" sop:candidateGroups="=group"/>`); previous = `task${i}`; }
parts.push(`<bpmn:sequenceFlow id="fEnd" sourceRef="${previous}" targetRef="end"/><bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>`);
const store = new MemoryStore(); const commits: Commit[] = [];
const c = store.commit.bind(store); store.commit = (x) => { commits.push(x); return c(x); };
let n = 0;
const clock = new VirtualClock(0); const engine = createEngine({ store, clock, ids: () => `i${++n}`, hash: (t) => createHash('sha256').update(t).digest('hex') });
await engine.deploy(parts.join('\n'));
for (let i = 0; i < 2000; i++) { const group = `g${i % 100}`; const v = await engine.start('five', { variables: { group } }); await clock.advance(1000); for (let t = 0; t < 5; t++) { const task = (await engine.tasks({ instanceId: v.id, limit: 1 })).items[0].id; await engine.complete(task, { by: { id: 'm', groups: [group] } }); await clock.advance(1000); } }
writeFileSync('/tmp/commits.json', JSON.stringify(commits));
const sizes = commits.slice(1, 8).map((x) => ({ inst: x.instances.length, stateBytes: JSON.stringify(x.instances[0]?.record.state ?? {}).length, tasks: x.tasks.upsert.length + x.tasks.remove.length, audit: x.audit.length, history: x.history.length, timers: x.timers.upsert.length + x.timers.remove.length, subs: x.subscriptions.upsert.length }));
console.log(commits.length, sizes);
