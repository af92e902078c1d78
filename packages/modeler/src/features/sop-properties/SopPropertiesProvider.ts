import { ListGroup, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import {
  CalendarEntry,
  CalendarExpressionEntry,
  RuleActionEntry,
  RuleAtEntry,
  RuleCodeEntry,
  RuleEveryEntry,
  RuleMessageEntry,
  RuleOrderEntry,
  RuleTargetEntry,
  RuleTimesEntry,
  SlaPickerEntry,
  SopTextEntry,
} from './entries.js';
import { t } from '../../i18n/language.js';
import { escalationRules, reorderRules, ruleLabel, sopTarget, ESCALATION_TYPE, type DiagramElement, type ModdleElement, type SopKind } from './model.js';
import { validateSla, validateValueOrFeel, validateVariableNames } from './validation.js';
import { FormEntry } from '../task-form/FormEntry.js';

interface Group {
  id: string;
  label: string;
  [key: string]: unknown;
}

interface Injector {
  get<T = any>(name: string): T;
}

interface PropertiesPanel {
  registerProvider(priority: number, provider: { getGroups(element: DiagramElement): (groups: Group[]) => Group[] }): void;
}

interface CommandStack {
  execute(command: string, context: unknown): void;
}

interface BpmnFactory {
  create(type: string, attrs?: Record<string, unknown>): ModdleElement;
}

/** After bpmn-js-properties-panel's own provider (priority 1000): the SOP groups go after "General". */
const PRIORITY = 500;

function text(id: string, target: ModdleElement, name: string, label: string, validate: unknown, description?: string, multiline = false) {
  return { id, component: SopTextEntry, target, name, label, validate, description, multiline, isEdited: multiline ? isTextAreaEntryEdited : isTextFieldEntryEdited };
}

/**
 * Adds the SOP groups to the properties panel: "SOP" (owner, SLA with a
 * duration picker, calendar, department, sensitive variables) and
 * "Escalation rules" (add, remove, reorder; at, action, every, times,
 * target, code, message) for activities and the process.
 */
export default class SopPropertiesProvider {
  static $inject = ['propertiesPanel', 'injector'];

  constructor(
    propertiesPanel: PropertiesPanel,
    private readonly injector: Injector,
  ) {
    propertiesPanel.registerProvider(PRIORITY, this);
  }

  /** The groups updater for the selected element (the properties-panel provider API). */
  getGroups(element: DiagramElement): (groups: Group[]) => Group[] {
    return (groups) => {
      const found = sopTarget(element);
      if (!found) return groups;
      const added = [this.sopGroup(element, found.target, found.kind), this.escalationGroup(element, found.target)];
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general < 0 ? 0 : general + 1, 0, ...added);
      return groups;
    };
  }

  private sopGroup(element: DiagramElement, target: ModdleElement, kind: SopKind): Group {
    const entries: unknown[] = [];
    if (kind === 'userTask') {
      entries.push(
        text('sop-assignee', target, 'assignee', t('sop.assignee'), validateValueOrFeel, t('sop.assignee.description')),
        text('sop-candidateGroups', target, 'candidateGroups', t('sop.candidate-groups'), validateValueOrFeel, t('sop.candidate-groups.description')),
        text('sop-candidateUsers', target, 'candidateUsers', t('sop.candidate-users'), validateValueOrFeel, t('sop.candidate-users.description')),
      );
    }
    entries.push(
      text('sop-sla', target, 'sla', t('sop.sla'), validateSla, t(kind === 'process' ? 'sop.sla.description.process' : 'sop.sla.description.step'), true),
      { id: 'sop-sla-picker', component: SlaPickerEntry, target },
      { id: 'sop-calendar', component: CalendarEntry, target, kind, isEdited: isSelectEntryEdited },
      { id: 'sop-calendar-expression', component: CalendarExpressionEntry, target, isEdited: isTextAreaEntryEdited },
      text('sop-department', target, 'department', t('sop.department'), validateValueOrFeel, t('sop.department.description')),
    );
    if (kind === 'process') {
      entries.push(text('sop-sensitive', target, 'sensitive', t('sop.sensitive'), validateVariableNames, t('sop.sensitive.description')));
    }
    if (kind === 'userTask') entries.push({ id: 'sop-form', component: FormEntry, target });
    return { id: 'sop', label: t('sop.group'), entries, shouldOpen: true };
  }

  private escalationGroup(element: DiagramElement, target: ModdleElement): Group {
    const rules = escalationRules(target);
    const move = (from: number, to: number) => this.move(element, target, from, to);
    const items = rules.map((rule, index) => {
      const id = `sop-escalation-${index}`;
      const props = { element, rule };
      return {
        id,
        label: `${index + 1}. ${ruleLabel(rule)}`,
        autoFocusEntry: `${id}-at`,
        remove: () => this.remove(element, target, rule),
        entries: [
          { id: `${id}-at`, component: RuleAtEntry, ...props, isEdited: isTextFieldEntryEdited },
          { id: `${id}-action`, component: RuleActionEntry, ...props, isEdited: isSelectEntryEdited },
          { id: `${id}-escalationCode`, component: RuleCodeEntry, ...props, isEdited: isTextFieldEntryEdited },
          { id: `${id}-target`, component: RuleTargetEntry, ...props, isEdited: isTextFieldEntryEdited },
          { id: `${id}-every`, component: RuleEveryEntry, ...props, isEdited: isTextFieldEntryEdited },
          { id: `${id}-times`, component: RuleTimesEntry, ...props, isEdited: isTextFieldEntryEdited },
          { id: `${id}-message`, component: RuleMessageEntry, ...props, isEdited: isTextFieldEntryEdited },
          { id: `${id}-order`, component: RuleOrderEntry, ...props, index, count: rules.length, move },
        ],
      };
    });
    return {
      id: 'sop-escalations',
      label: t('sop.group.escalations'),
      component: ListGroup,
      items,
      add: (event: Event) => {
        event.stopPropagation();
        this.add(element, target);
      },
      shouldOpen: true,
    };
  }

  private add(element: DiagramElement, target: ModdleElement): void {
    const bpmnFactory = this.injector.get<BpmnFactory>('bpmnFactory');
    const commands: Array<{ cmd: string; context: unknown }> = [];
    let extensionElements: ModdleElement | undefined = target.extensionElements;
    if (!extensionElements) {
      extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
      extensionElements.$parent = target;
      commands.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement: target, properties: { extensionElements } } });
    }
    const rule = bpmnFactory.create(ESCALATION_TYPE, { at: '100%', action: 'remind' });
    rule.$parent = extensionElements;
    commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: extensionElements, properties: { values: [...extensionElements.get('values'), rule] } },
    });
    this.injector.get<CommandStack>('commandStack').execute('properties-panel.multi-command-executor', commands);
  }

  private remove(element: DiagramElement, target: ModdleElement, rule: ModdleElement): void {
    const extensionElements: ModdleElement = target.extensionElements;
    const values = (extensionElements.get('values') as ModdleElement[]).filter((v) => v !== rule);
    this.injector.get<{ updateModdleProperties(e: unknown, m: unknown, p: unknown): void }>('modeling').updateModdleProperties(element, extensionElements, { values });
  }

  private move(element: DiagramElement, target: ModdleElement, from: number, to: number): void {
    const extensionElements: ModdleElement = target.extensionElements;
    const values = reorderRules(extensionElements.get('values'), from, to);
    this.injector.get<{ updateModdleProperties(e: unknown, m: unknown, p: unknown): void }>('modeling').updateModdleProperties(element, extensionElements, { values });
  }
}
