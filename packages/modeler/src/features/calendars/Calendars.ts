import { parseCalendarFile, type BusinessCalendar } from '@sopflow/engine';

/** What the server found: the calendars file next to the diagram (or in a parent folder). */
export interface CalendarsFile {
  /** Where it is, as shown to the user; null when there is none. */
  file: string | null;
  /** Its name (`calendars.yaml`), which tells JSON from YAML. */
  name?: string;
  text?: string;
  /** The server's reason when the file does not parse. */
  error?: string;
}

interface EventBusLike {
  fire(type: string, data?: unknown): unknown;
}

/**
 * The business calendars of the open diagram, read from the calendars file
 * with the engine's `parseCalendarFile`. The SOP tab offers their names,
 * lint checks `sop:calendar` against them, the simulation runs on them.
 * Fires `calendars.changed` when they change.
 */
export default class Calendars {
  static $inject = ['eventBus'];

  private calendars: BusinessCalendar[] = [];
  private source: CalendarsFile = { file: null };
  private problem: string | undefined;

  constructor(private readonly eventBus: EventBusLike) {}

  /** Reads the calendars file; a file that does not parse leaves no calendars and a problem to show. */
  set(file: CalendarsFile): void {
    this.source = file;
    this.problem = file.error;
    this.calendars = [];
    if (file.file && file.text !== undefined && !file.error) {
      try {
        this.calendars = parseCalendarFile(file.text, file.name ?? file.file);
      } catch (error) {
        this.problem = (error as Error).message;
      }
    }
    this.eventBus.fire('calendars.changed', { calendars: this.calendars });
    // Re-render the properties panel: the calendar select lists the names.
    this.eventBus.fire('propertiesPanel.providersChanged');
  }

  /** The calendars, in file order. */
  list(): BusinessCalendar[] {
    return this.calendars;
  }

  /** Their names, in file order. */
  names(): string[] {
    return this.calendars.map((c) => c.name);
  }

  /** The file they came from. */
  file(): CalendarsFile {
    return this.source;
  }

  /** Why the file could not be read, if it could not. */
  error(): string | undefined {
    return this.problem;
  }
}
