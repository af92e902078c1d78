import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CalendarError, parseCalendarFile } from '@sopflow/engine';

describe('parseCalendarFile', () => {
  it('should read the examples calendars file (JSON)', () => {
    // given
    const text = readFileSync(new URL('../../../../examples/calendars.json', import.meta.url), 'utf8');
    // when
    const [office] = parseCalendarFile(text, 'calendars.json');
    // then
    expect(office.name).toBe('office');
    expect(office.zone).toBe('Asia/Shanghai');
  });

  it('should read YAML', () => {
    // given
    const yaml = `calendars:\n  - name: plant\n    zone: Europe/Berlin\n    hours:\n      mon: ["06:00-14:00"]\n    holidays: ["2026-12-24..2026-12-26"]\n`;
    // when
    const [plant] = parseCalendarFile(yaml, 'calendars.yaml');
    // then
    expect(plant.name).toBe('plant');
    expect(plant.isWorking(Date.parse('2026-11-23T06:30:00+01:00'))).toBe(true);
  });

  it('should name the file, the calendar index and the field of a bad calendar', () => {
    // given
    const yaml = `- name: bad\n  zone: Mars/Olympus\n  hours: { mon: ["09:00-17:00"] }\n`;
    // when / then
    expect(() => parseCalendarFile(yaml, 'team.yaml')).toThrow(CalendarError);
    expect(() => parseCalendarFile(yaml, 'team.yaml')).toThrow(/^team\.yaml: calendars\[0\]: .*Mars\/Olympus/);
  });

  it('should refuse duplicate names and files that are not a list', () => {
    expect(() => parseCalendarFile('{"calendars":[{"name":"a","zone":"UTC","hours":{"mon":["09:00-17:00"]}},{"name":"a","zone":"UTC","hours":{"mon":["09:00-17:00"]}}]}', 'c.json')).toThrow("c.json: calendar 'a' is defined twice.");
    expect(() => parseCalendarFile('name: x', 'c.yaml')).toThrow('c.yaml: expected { calendars: [ … ] } or a list of calendars.');
    expect(() => parseCalendarFile('{', 'c.json')).toThrow(/c\.json: not valid JSON/);
  });
});
