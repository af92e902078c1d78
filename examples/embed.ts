/**
 * `npm run example -- <name>` runs one of the embedding examples:
 * `order` (examples/order-handling/embed.ts), `complaint`
 * (examples/complaint-escalation/embed.ts) or `approval`
 * (examples/cross-department-approval/embed.ts).
 */
const EXAMPLES: Record<string, string> = {
  order: 'order-handling',
  complaint: 'complaint-escalation',
  approval: 'cross-department-approval',
};

const wanted = process.argv[2];
if (!wanted || !(wanted in EXAMPLES)) {
  console.error(`Usage: npm run example -- <${Object.keys(EXAMPLES).join('|')}>${wanted ? `\nNo example '${wanted}'.` : ''}`);
  process.exit(2);
}
await import(`./${EXAMPLES[wanted]}/embed.ts`);

export {};
