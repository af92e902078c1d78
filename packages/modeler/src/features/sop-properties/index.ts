import calendarsModule from '../calendars/index.js';
import taskFormModule from '../task-form/index.js';
import SopPropertiesProvider from './SopPropertiesProvider.js';

/**
 * bpmn-js module: the SOP groups of the properties panel (needs
 * bpmn-js-properties-panel's `BpmnPropertiesPanelModule`).
 */
export default {
  __depends__: [calendarsModule, taskFormModule],
  __init__: ['sopPropertiesProvider'],
  sopPropertiesProvider: ['type', SopPropertiesProvider],
};
