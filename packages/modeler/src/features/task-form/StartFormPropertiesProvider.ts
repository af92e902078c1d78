/**
 * A "Form" group in the properties panel of a start event a person or a
 * sender fills in (a none or message start event): the same Form entry as
 * a user task's SOP tab — what the event declares, and the form-js editor
 * on it.
 */
import type { DiagramElement, ModdleElement } from '../sop-properties/model.js';
import { FormEntry } from './FormEntry.js';
import { TEXT } from './text.js';

interface Group {
  id: string;
  label: string;
  [key: string]: unknown;
}

interface PropertiesPanel {
  registerProvider(priority: number, provider: { getGroups(element: DiagramElement): (groups: Group[]) => Group[] }): void;
}

/** Whether a start event takes a form: a none start, or a message start. Pure. */
export function takesStartForm(bo: ModdleElement): boolean {
  if (bo.$type !== 'bpmn:StartEvent') return false;
  const definitions: ModdleElement[] = bo.eventDefinitions ?? [];
  return definitions.length === 0 || (definitions.length === 1 && definitions[0].$type === 'bpmn:MessageEventDefinition');
}

/** Adds the Form group after "General" for start events that take a form. */
export default class StartFormPropertiesProvider {
  static $inject = ['propertiesPanel'];

  constructor(propertiesPanel: PropertiesPanel) {
    propertiesPanel.registerProvider(400, this);
  }

  /** The groups updater (the properties-panel provider API). */
  getGroups(element: DiagramElement): (groups: Group[]) => Group[] {
    return (groups) => {
      const bo = element.businessObject;
      if (!takesStartForm(bo)) return groups;
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general < 0 ? 0 : general + 1, 0, { id: 'sop-start-form', label: TEXT.label, entries: [{ id: 'sop-form', component: FormEntry, element, target: bo }], shouldOpen: true });
      return groups;
    };
  }
}
