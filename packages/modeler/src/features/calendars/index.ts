import Calendars from './Calendars.js';

/** bpmn-js module: the `calendars` service (the calendars file of the open diagram). */
export default {
  calendars: ['type', Calendars],
};

export { Calendars };
export type { CalendarsFile } from './Calendars.js';
