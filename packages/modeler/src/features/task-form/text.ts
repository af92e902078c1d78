/** The texts of the task form entry and the form editor, in one place. */
export const TEXT = {
  label: 'Form',
  none: 'No form: any variables are taken as they come.',
  fields: (n: number) => `${n} field${n === 1 ? '' : 's'} declared with <sop:field> (the form shown is generated from them).`,
  form: (n: number) => `A form-js form (<sop:form>) with ${n} field${n === 1 ? '' : 's'}.`,
  zeebe: 'A Camunda 8 form (zeebe:formDefinition): edit it in Camunda Modeler; the engine checks it.',
  notJson: (error: string) => `The <sop:form> is not JSON (${error}): fix it in the XML first.`,
  edit: 'Edit form',
  create: 'Create form',
  remove: 'Remove form',
  editorTitle: (task: string) => `Form of “${task}”`,
  editorHint: 'Drag fields from the left, set their key (the variable), label and validation on the right. Saving writes the form into the task as <sop:form>; the engine checks every submission against it.',
  save: 'Save form',
  cancel: 'Cancel',
  loading: 'Opening the form editor…',
  failed: (error: string) => `The form editor could not open: ${error}`,
};
