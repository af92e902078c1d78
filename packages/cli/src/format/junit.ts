/** One test case for a JUnit report. */
export interface JunitCase {
  name: string;
  classname: string;
  timeMs: number;
  failure?: { message: string; type: string; detail: string };
}

function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A JUnit XML report (the format CI systems read: GitHub, GitLab, Jenkins). Pure. */
export function junitXml(suite: string, cases: JunitCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const time = (ms: number) => (ms / 1000).toFixed(3);
  const total = cases.reduce((t, c) => t + c.timeMs, 0);
  const body = cases
    .map((c) => {
      const open = `  <testcase name="${xml(c.name)}" classname="${xml(c.classname)}" time="${time(c.timeMs)}"`;
      if (!c.failure) return `${open}/>`;
      return `${open}>\n    <failure message="${xml(c.failure.message)}" type="${xml(c.failure.type)}">${xml(c.failure.detail)}</failure>\n  </testcase>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(suite)}" tests="${cases.length}" failures="${failures}" time="${time(total)}">\n<testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${time(total)}">\n${body}\n</testsuite>\n</testsuites>\n`;
}
