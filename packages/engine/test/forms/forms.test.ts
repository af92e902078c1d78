import { describe, expect, it } from 'vitest';
import { checkForm, compileFeel, createEngine, fieldsOfFormSchema, formSchemaOfFields, FormValidationError, VirtualClock, type FieldDef } from '@sopflow/engine';

const evaluateWith = (context: Record<string, unknown>) => (expr: { feel: string }) => compileFeel(expr.feel).evaluate(context);

/** A form-js schema of the countersign step: approve, and a reason shown (and required) only when rejecting. */
const COUNTERSIGN_FORM = {
  type: 'default',
  id: 'countersign',
  components: [
    { type: 'checkbox', key: 'approved', label: 'Approve' },
    { type: 'textarea', key: 'reason', label: '驳回原因', validate: { required: true, minLength: 5, maxLength: 200 }, conditional: { hide: '=approved' } },
    { type: 'number', key: 'budget', label: 'Budget', validate: { min: 0, max: '=limit' } },
    { type: 'select', key: 'channel', label: 'Channel', values: [{ label: 'E-mail', value: 'email' }, { label: '电话', value: 'phone' }] },
    { type: 'textfield', key: 'contact', label: 'Contact', validate: { validationType: 'email' } },
    { type: 'group', path: 'address', components: [{ type: 'textfield', key: 'postcode', label: '邮编', validate: { pattern: '^[0-9]{6}$' } }] },
    { type: 'text', text: '# Countersign' },
    { type: 'textfield', key: 'ignored', disabled: true, validate: { required: true } },
  ],
};

describe('form-js schemas', () => {
  it('should read the rules of every keyed component, groups flattened by path, display and disabled ones left out', () => {
    // when
    const { fields, problems } = fieldsOfFormSchema(COUNTERSIGN_FORM);
    // then
    expect(problems).toEqual([]);
    expect(fields.map((f) => [f.name, f.type])).toEqual([
      ['approved', 'boolean'],
      ['reason', 'text'],
      ['budget', 'number'],
      ['channel', 'enum'],
      ['contact', 'string'],
      ['address.postcode', 'string'],
    ]);
    expect(fields[1]).toMatchObject({ required: true, minLength: 5, maxLength: 200, hiddenWhen: { feel: '(approved)' } });
    expect(fields[2]).toMatchObject({ min: 0, max: { feel: 'limit' } });
    expect(fields[3].values).toEqual(['email', 'phone']);
  });

  it('should name what is wrong with a schema', () => {
    // when
    const { problems } = fieldsOfFormSchema({ components: [{ key: 'x' }, { type: 'number', key: 'n', validate: { min: 'ten' } }, { type: 'textfield', key: 't', conditional: { hide: 'approved' } }] });
    // then
    expect(problems).toEqual([
      { path: 'components[0]', message: 'a component is an object with a "type"' },
      { path: 'components[1].validate.min', message: 'expected a number or a FEEL expression, got "ten"' },
      { path: 'components[2].conditional.hide', message: 'expected a FEEL expression starting with "=", got "approved"' },
    ]);
    expect(fieldsOfFormSchema({ title: 'no components' }).problems[0].message).toMatch(/"components" list/);
  });

  it('should turn <sop:field>s into a form-js schema: a conditional requirement becomes a field shown only then', () => {
    // given
    const fields: FieldDef[] = [
      { name: 'approved', label: 'Approve', type: 'boolean', required: true },
      { name: 'reason', label: 'Reason', type: 'text', requiredWhen: { feel: 'approved = false' }, minLength: 10 },
    ];
    // when
    const schema = formSchemaOfFields(fields);
    // then
    expect(schema.components).toEqual([
      expect.objectContaining({ type: 'radio', key: 'approved', validate: { required: true }, values: [{ label: 'Yes', value: true }, { label: 'No', value: false }] }),
      expect.objectContaining({ type: 'textarea', key: 'reason', validate: { required: true, minLength: 10 }, conditional: { hide: '=not(approved = false)' } }),
    ]);
    // and the schema's own rules say the same as the fields'
    const back = fieldsOfFormSchema(schema).fields;
    const rejectEmpty = { approved: false, reason: '' };
    expect(checkForm(back, rejectEmpty, evaluateWith(rejectEmpty)).map((p) => p.code)).toEqual(['required']);
    expect(checkForm(fields, rejectEmpty, evaluateWith(rejectEmpty)).map((p) => p.code)).toEqual(['required']);
  });
});

describe('the form-js schema of <sop:field>s', () => {
  const fields: FieldDef[] = [
    { name: 'title', label: 'Title', type: 'string', required: true, maxLength: 20, pattern: '[A-Z].*' },
    { name: 'note', type: 'text', minLength: { feel: 'minimum' }, hiddenWhen: { feel: 'quiet' } },
    { name: 'amount', type: 'number', min: 1, max: { feel: 'limit' } },
    { name: 'approved', type: 'boolean', required: true },
    { name: 'reason', type: 'text', requiredWhen: { feel: 'approved = false' }, minLength: 10 },
    { name: 'due', type: 'date' },
    { name: 'at', type: 'time' },
    { name: 'mail', type: 'string', format: 'email' },
    { name: 'channel', type: 'enum', values: ['email', 'phone'] },
    { name: 'departments', type: 'list', required: true },
    { name: 'tags', type: 'list', values: ['a', 'b'] },
  ];
  const schema = formSchemaOfFields(fields);
  const back = fieldsOfFormSchema(schema);

  it('should be a schema whose own rules are the fields\' rules', () => {
    // then: read back, it declares the same variables, types and bounds
    expect(back.problems).toEqual([]);
    expect(back.fields.map((f) => [f.name, f.type])).toEqual(fields.map((f) => [f.name, f.type]));
    expect(back.fields[0]).toMatchObject({ required: true, maxLength: 20, pattern: '^(?:[A-Z].*)$' });
    expect(back.fields[1]).toMatchObject({ minLength: { feel: 'minimum' }, hiddenWhen: { feel: '((quiet))' } });
    expect(back.fields[2]).toMatchObject({ min: 1, max: { feel: 'limit' } });
    expect(back.fields[4]).toMatchObject({ required: true, minLength: 10, hiddenWhen: { feel: '(not(approved = false))' } });
    expect(back.fields[7].format).toBe('email');
    expect(schema.components[9]).toMatchObject({ type: 'textfield', properties: { 'sopflow:list': 'comma-separated' } });
    expect(schema.components[10]).toMatchObject({ type: 'checklist', values: [{ label: 'a', value: 'a' }, { label: 'b', value: 'b' }] });
  });

  it.each([
    ['a complete submission', { title: 'Robots', amount: 5, approved: true, departments: ['it'], due: '2026-12-31', at: '17:30' }, {}],
    ['nothing', {}, {}],
    ['a rejection without its reason', { title: 'Robots', approved: false, departments: ['it'] }, {}],
    ['a rejection with a short reason', { title: 'Robots', approved: false, reason: 'no', departments: ['it'] }, {}],
    ['a title too long, in lower case', { title: 'robots and a very long title', approved: true, departments: ['it'] }, {}],
    ['an amount over a limit of the case', { title: 'R', amount: 900, approved: true, departments: ['it'] }, { limit: 500 }],
    ['a short note, an address, a choice and a time that are not', { title: 'R', note: 'ab', approved: true, departments: ['it'], mail: 'nobody', channel: 'fax', at: 'noon', tags: ['c'] }, { minimum: 5 }],
    ['a list given as text', { title: 'R', approved: true, departments: 'it' }, {}],
  ])('should refuse in the schema what the fields refuse: %s', (_what, data, context) => {
    // given: what a form could submit (a field hidden by its condition sends nothing)
    const scope = { ...context, ...data };
    // when
    const byFields = checkForm(fields, data, evaluateWith(scope)).map((p) => [p.field, p.code]);
    const bySchema = checkForm(back.fields, data, evaluateWith(scope)).map((p) => [p.field, p.code]);
    // then
    expect(bySchema).toEqual(byFields);
  });
});

describe('checking submitted data', () => {
  const { fields } = fieldsOfFormSchema(COUNTERSIGN_FORM);
  const check = (data: Record<string, unknown>, context: Record<string, unknown> = {}) => checkForm(fields, data, evaluateWith({ ...context, ...data }));

  it('should accept a complete, valid submission', () => {
    expect(check({ approved: true, budget: 100, channel: 'phone', contact: 'li@example.com', address: { postcode: '200000' } }, { limit: 500 })).toEqual([]);
  });

  it('should report every field in error at once, each with its code, params and a message naming it', () => {
    // when
    const problems = check({ approved: false, reason: '  no ', budget: 900, channel: 'fax', contact: 'not an address', address: { postcode: '2000' } }, { limit: 500 });
    // then
    expect(problems.map((p) => [p.field, p.code, p.params])).toEqual([
      ['reason', 'minLength', { minLength: 5, length: 2 }],
      ['budget', 'max', { max: 500 }],
      ['channel', 'values', { values: 'email, phone' }],
      ['contact', 'format', { format: 'email' }],
      ['address.postcode', 'pattern', { pattern: '^[0-9]{6}$' }],
    ]);
    expect(problems[0].message).toBe("'驳回原因' (reason) needs at least 5 characters, got 2.");
  });

  it('should require the rejection reason only when rejecting, and not check it while it is hidden', () => {
    expect(check({ approved: false }).map((p) => p.message)).toEqual(["'驳回原因' (reason) is required."]);
    expect(check({ approved: true, reason: 'x' })).toEqual([]);
  });

  it('should check types without coercing', () => {
    expect(check({ approved: 'yes', reason: 'a fine reason', budget: '12' }).map((p) => [p.field, p.code])).toEqual([
      ['approved', 'type'],
      ['budget', 'type'],
    ]);
  });

  it('should check patterns in linear time, even ones that backtrack in JavaScript', () => {
    // given: (a+)+$ takes seconds in a backtracking engine on this input
    const slow: FieldDef[] = [{ name: 'code', type: 'string', pattern: '(a+)+$', patternSearch: false }];
    const started = performance.now();
    // when
    const problems = checkForm(slow, { code: `${'a'.repeat(5000)}!` }, () => null);
    // then
    expect(problems.map((p) => p.code)).toEqual(['pattern']);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

const XML = (form: string, extra = '') => `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">
  <bpmn:process id="p" isExecutable="true">
    ${extra}
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <bpmn:userTask id="review" name="Countersign" sop:candidateGroups="finance-heads">${form}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe('forms on user tasks', () => {
  async function engineWith(xml: string) {
    const engine = createEngine({ clock: new VirtualClock('2026-11-23T09:00:00Z') });
    await engine.deploy(xml);
    const instance = await engine.start('p', { variables: { limit: 500 } });
    const [task] = (await engine.tasks({ instanceId: instance.id })).items;
    return { engine, instance, task };
  }
  const head = { id: 'li', groups: ['finance-heads'] };

  it('should refuse a submission that does not fill an embedded sop:form, keep the task open, and accept a good one', async () => {
    // given
    const { engine, instance, task } = await engineWith(XML(`<bpmn:extensionElements><sop:form>${escapeXml(JSON.stringify(COUNTERSIGN_FORM))}</sop:form></bpmn:extensionElements>`));
    const before = await engine.audit.query({ instanceId: instance.id, limit: 1000 });
    // when
    const refused = await engine.complete(task.id, { by: head, variables: { approved: false, reason: '' } }).catch((e) => e);
    // then
    expect(refused).toBeInstanceOf(FormValidationError);
    expect(refused.code).toBe('form.invalid');
    expect(refused.fields).toEqual([expect.objectContaining({ field: 'reason', code: 'required' })]);
    expect(refused.message).toMatch(/^Task '.*' 'Countersign' \(review\): the form is not filled in: '驳回原因' \(reason\) is required\.$/);
    expect((await engine.tasks({ instanceId: instance.id })).items.map((t) => t.id)).toEqual([task.id]);
    expect((await engine.audit.query({ instanceId: instance.id, limit: 1000 })).total).toBe(before.total);
    // when
    await engine.complete(task.id, { by: head, variables: { approved: false, reason: 'Over budget this quarter' } });
    // then
    expect((await engine.instance(instance.id)).status).toBe('completed');
  });

  it('should read Camunda 8 embedded forms (zeebe:formDefinition → zeebe:userTaskForm)', async () => {
    // given
    const xml = XML(
      '<bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:UserTaskForm_1"/></bpmn:extensionElements>',
      `<bpmn:extensionElements><zeebe:userTaskForm id="UserTaskForm_1">${escapeXml(JSON.stringify(COUNTERSIGN_FORM))}</zeebe:userTaskForm></bpmn:extensionElements>`,
    );
    const { engine, task } = await engineWith(xml);
    // when
    const refused = await engine.complete(task.id, { by: head, variables: { approved: true, budget: 501 } }).catch((e) => e);
    // then: the bound is a FEEL expression over the case's variables (limit = 500)
    expect(refused.fields).toEqual([expect.objectContaining({ field: 'budget', code: 'max', params: { max: 500 } })]);
    expect((await engine.definition('p')).nodes.review.form).toMatchObject({ source: 'zeebe:userTaskForm', schema: { id: 'countersign' } });
  });

  it('should refuse at deploy a form that is not JSON, a bad component, a pattern RE2 cannot run, or two forms on one task', async () => {
    const engine = createEngine({ clock: new VirtualClock(0) });
    const messages = async (xml: string) => (await engine.deploy(xml).catch((e) => e)).problems?.map((p: { code: string; message: string }) => `${p.code}: ${p.message}`);
    expect(await messages(XML('<bpmn:extensionElements><sop:form>{ components: [</sop:form></bpmn:extensionElements>'))).toEqual([expect.stringMatching(/^form\.json: The sop:form is not a JSON form-js schema: /)]);
    expect(await messages(XML(`<bpmn:extensionElements><sop:form>${escapeXml(JSON.stringify({ components: [{ type: 'textfield', key: 'a', validate: { pattern: '(a)\\1' } }] }))}</sop:form></bpmn:extensionElements>`))).toEqual([
      expect.stringMatching(/^form\.pattern: invalid regular expression "\(a\)\\\\1".*RE2 syntax/),
    ]);
    expect(await messages(XML(`<bpmn:extensionElements><sop:field name="a"/><sop:form>{"components":[]}</sop:form></bpmn:extensionElements>`))).toEqual([
      'form.twice: The task declares both sop:form and <sop:field>s: keep one form.',
    ]);
    expect(await messages(XML(`<bpmn:extensionElements><sop:form>${escapeXml(JSON.stringify({ components: [{ type: 'textfield', key: 'a', conditional: { hide: '=a +' } }] }))}</sop:form></bpmn:extensionElements>`))).toEqual([
      expect.stringMatching(/^expression\.invalid: /),
    ]);
    expect(await messages(XML('<bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:Nope"/></bpmn:extensionElements>'))).toEqual([
      "form.missing: zeebe:formDefinition formKey 'camunda-forms:bpmn:Nope' names no zeebe:userTaskForm with id 'Nope' in the process.",
    ]);
  });

  it("should compile a message start's form for its sender, and not check the message's variables itself", async () => {
    // given
    const xml = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:message id="m" name="order-received" />
  <bpmn:process id="orders" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:extensionElements><sop:field name="orderNumber" type="string" required="true" /></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
    const engine = createEngine({ clock: new VirtualClock(0) });
    await engine.deploy(xml);
    // when
    const { started } = await engine.correlate('order-received', { variables: { note: 'no order number' } });
    // then
    expect((await engine.definition('orders')).nodes.s).toMatchObject({ form: { source: 'sop:field' }, fields: [{ name: 'orderNumber', required: true }] });
    expect(started).toHaveLength(1);
  });

  it('should check a start form when a case is started, but not the inputs of a called instance', async () => {
    // given
    const xml = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="leave" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:extensionElements><sop:field name="days" type="number" required="true"/></bpmn:extensionElements></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e"/><bpmn:endEvent id="e"/>
  </bpmn:process>
  <bpmn:process id="outer" isExecutable="true">
    <bpmn:startEvent id="os"/><bpmn:sequenceFlow id="o1" sourceRef="os" targetRef="call"/>
    <bpmn:callActivity id="call" calledElement="leave"/><bpmn:sequenceFlow id="o2" sourceRef="call" targetRef="oe"/><bpmn:endEvent id="oe"/>
  </bpmn:process>
</bpmn:definitions>`;
    const engine = createEngine({ clock: new VirtualClock(0) });
    await engine.deploy(xml);
    // when / then
    await expect(engine.start('leave', { variables: { days: 'three' } })).rejects.toThrow("Starting process 'leave': the form is not filled in: 'days' expects a number, got \"three\".");
    expect((await engine.instances({ processId: 'leave' })).total).toBe(0);
    expect((await engine.start('leave', { variables: { days: 3 } })).status).toBe('completed');
    expect((await engine.start('outer')).status).toBe('completed');
  });
});
