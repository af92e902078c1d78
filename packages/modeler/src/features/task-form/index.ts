import StartFormPropertiesProvider from './StartFormPropertiesProvider.js';

/**
 * bpmn-js module: the Form group of start events (user tasks have their
 * Form entry in the SOP tab). Needs bpmn-js-properties-panel.
 */
export default {
  __init__: ['startFormPropertiesProvider'],
  startFormPropertiesProvider: ['type', StartFormPropertiesProvider],
};
