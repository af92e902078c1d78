/**
 * 简体中文 of coded messages: findings and errors whose English text the
 * producing code writes (engine parse and compile problems, lint rules,
 * soundness findings, bpmnlint's built-in rules by rule name, form field
 * problems). Placeholders are the `params` the producer attaches; a code
 * with several wordings passes `variant` and its template selects on it.
 * Technical details (`{detail}`: an XML parser's or the FEEL compiler's
 * own words) stay as written. See docs/i18n.md; the test in
 * packages/i18n/test/problems.test.ts checks every code the engine and the
 * linter emit has a template here and that the template reads only
 * parameters its producer supplies.
 */
import type { Catalog } from './define.js';

/** Reading the document: XML, encoding, bpmn-moddle's import warnings. */
const parse: Catalog = {
  'input.invalid': '{option, select, businessKey {start({processId})：businessKey 必须是字符串。} other {需要字符串或 Uint8Array，实际得到 {type}。}}',
  'xml.too-large': '文档大小为 {size}，超过了 {max} 字节的上限（可用 maxBytes 选项调高）。',
  'xml.encoding': '文档无法解码：{detail}',
  'xml.encoding-declaration': '文档声明的编码不受支持：{detail}',
  'xml.encoding-mismatch': '文档声明 encoding="{declared}"，但以 {encoding} 字节顺序标记（BOM）开头；已按 {encoding} 读取。',
  'xml.doctype':
    '拒绝 <!{keyword}> 声明：sopflow 从不展开实体，也从不读取外部实体，因此不会打开文档中提到的任何文件或 URL。请删除 DOCTYPE。',
  'xml.too-many-elements': '文档中的元素超过 {max} 个（如确有需要，请调高 maxElements 选项）。',
  'xml.too-deep': '元素嵌套超过 {max} 层（如确有需要，请调高 maxDepth 选项）。',
  'xml.malformed': '文档不是格式正确的 XML：{detail}',
  'bpmn.not-bpmn':
    '{variant, select, no-root {文档没有根元素，因此不是 BPMN 2.0 文档。} other {文档不是 BPMN 2.0：它以 <{root}> 开头，而 BPMN 文档应以命名空间 {namespace} 中的 <definitions> 开头。}}',
  'bpmn.too-many-problems': '已读到 {limit} 处无法读取的内容，读取就此停止；请先修复这些问题，再重新解析以查看其余问题。',
  'bpmn.import-failed': 'bpmn-moddle 无法读取该文档：{detail}',
  'bpmn.import-warning': '读取时的警告：{detail}',
  'bpmn.invalid-id':
    'id「{id}」不是合法的 id（只能包含 ASCII 字母、数字、“_”、“-”和“.”，且不能以数字或“-”开头）；bpmn-moddle 会丢弃这段内容及其内部的全部内容。',
  'bpmn.unknown-element': '{content} 不是 bpmn-moddle 在此位置认识的元素（{detail}）；它会连同内部的全部内容一起被丢弃。',
  'bpmn.unparsable-content': '{detail}：bpmn-moddle 无法读取“{content}”，会将其丢弃。',
  'bpmn.unresolved-reference':
    '{subject} 的 {attribute} 引用了“{value}”，但没有任何元素使用这个 id{variant, select, di {（只影响图形布局：该形状、连线或标签样式不会被绘制）} cosmetic {（不影响执行）} other {}}。',
  'bpmn.unknown-attribute': '{subject} 带有属性 {attribute}，但其命名空间在此处并未定义该属性；该属性会被保留，但 sopflow 不赋予它任何含义。',
};

/** Compiling a process: structure, events, timers, forms, expressions, SLA. */
const compile: Catalog = {
  'bpmn.no-process': '文档中没有可运行的 bpmn:process。',
  'bpmn.not-executable':
    '{variant, select, skipped {流程标记了 isExecutable="false"，未被部署。} other {流程标记了 isExecutable="false"；要运行它，请将其设为 true。}}',
  'bpmn.not-executed':
    '{variant, select, listeners {sopflow 不会运行执行监听器和任务监听器（camunda:/zeebe:）；请把这些工作放到服务任务（作业）中，或放在引擎事件里处理。} io-specification {ioSpecification/properties 仅作文档说明，不会被执行。} data-associations {数据关联仅作文档说明，不会被执行；请使用 sop:input/sop:output 映射。} ignored-attribute {sopflow 不读取「{element}」上的 {attribute}：{instead, select, one-commit {每一步都在一次提交中运行到下一个等待状态，没有异步延续；要在后台运行工作，请使用服务任务（作业）。} retries {失败的作业按 sop:retries 和 sop:retryBackoff 重试（默认 3 次，从 10 秒开始逐次加倍）。} due-order {作业和任务没有优先级：作业按到期顺序执行。} latest-version {调用总是启动被调用流程最新部署的版本。} sla {任务的到期日和跟进日不取自这里：请使用 sop:sla（可配合 sop:calendar）。} authorize {任何人都可以启动该流程：请用引擎的 authorize 钩子限制 instance.start。} no-headers {作业处理器只收到变量：请用 sop:input 或 zeebe:input 映射传递这些值。} all-variables {在该方向没有映射时，sopflow 会传递全部变量。} bpmn-error {处理器通过抛出 BpmnError 引发 BPMN 错误。} no-business-key {被调用的实例不会得到业务键。} sop-fields {其字段既不显示也不检查：请用 sop:field 声明（或用 sop:form 嵌入 form-js 表单），引擎会检查每次提交。} other {此属性不会被执行。}}} other {此内容不会被执行。}}',
  'bpmn.missing-id': '{container} 中的一个 {type}{variant, select, named {（名称“{name}”）} other {}}没有 id。',
  'bpmn.duplicate-id':
    '{variant, select, dropped {id「{id}」被使用了两次；bpmn-moddle 会保留第一个，并丢弃此处的内容及其内部的全部内容。} other {元素 id「{id}」重复。}}',
  'bpmn.boundary-host':
    '{variant, select, none {边界事件没有附着在任何活动上（attachedToRef）。} not-activity {边界事件附着在 {type}「{host}」上；只有活动才能带有边界事件。} scope {边界事件画在「{scope}」中，但它所附着的活动「{host}」位于「{hostScope}」中。} other {边界事件的附着对象有误。}}',
  'bpmn.flow-source':
    '{variant, select, missing {顺序流没有起点（sourceRef）。} unknown {顺序流的起点「{source}」不是本流程中的流程节点。} other {顺序流的起点有误。}}',
  'bpmn.flow-target':
    '{variant, select, missing {顺序流没有终点（targetRef）。} unknown {顺序流的终点「{target}」不是本流程中的流程节点。} other {顺序流的终点有误。}}',
  'bpmn.flow-scope': '顺序流跨越了子流程边界（从「{sourceScope}」中的「{source}」到「{targetScope}」中的「{target}」）。',
  'bpmn.flow-into-start': '顺序流指向了开始事件「{target}」。',
  'bpmn.flow-into-boundary': '{variant, select, boundary {边界事件不能有传入的顺序流。} other {顺序流指向了边界事件「{target}」。}}',
  'bpmn.flow-from-end': '顺序流从结束事件「{source}」出发。',
  'bpmn.default-flow': '默认流「{flow}」不是该元素的传出顺序流。',
  'bpmn.default-condition': '默认流带有条件，该条件会被忽略（只有在其他顺序流都不满足时才走默认流）。',
  'bpmn.event-gateway-target':
    '{variant, select, incoming {「{target}」位于事件网关之后，不能再有其他传入的顺序流。} other {事件网关通向「{target}」；事件网关只能通向消息/定时器/信号中间捕获事件或接收任务。}}',
  'bpmn.start-events':
    '{variant, select, process {流程有 {count} 个空开始事件（{starts}），最多只允许一个。} sub-process {子流程必须恰好有一个空开始事件（当前有 {count} 个）。} event-sub-process {事件子流程必须恰好有一个带触发器（消息、定时器、信号、错误或升级）的开始事件。} other {开始事件有误。}}',
  'bpmn.start-event-kind':
    '{variant, select, sub-process {子流程必须以空开始事件开始。} other {{kind, select, error {错误} escalation {升级} other {{kind}}}开始事件只能用在事件子流程中。}}',
  'bpmn.no-start': '流程没有开始事件。',
  'bpmn.error-interrupting':
    '{variant, select, start {错误开始事件总是中断型的（isInterrupting 不能为 false）。} other {错误边界事件总是中断型的（cancelActivity 不能为 false）。}}',
  'bpmn.event-subprocess-flow': '事件子流程不能有传入或传出的顺序流。',
  'bpmn.link-duplicate': '同一范围内有两个名为「{name}」的链接捕获事件。',
  'bpmn.link-target': '同一范围内没有名为「{name}」的链接捕获事件。',
  'bpmn.unsupported':
    'sopflow 不支持{variant, select, transaction {事务子流程} ad-hoc {自由子流程（ad-hoc）} complex-gateway {复杂网关} element {元素 {type}} compensation {补偿（isForCompensation）} instantiate {实例化的 {type}（instantiate="true"；请用消息开始事件启动流程）} parallel-event-gateway {并行事件网关（eventGatewayType="Parallel"）} name-expression {以表达式给出的{kind, select, message {消息} other {信号}}名称（“{name}”）} job-type-expression {以表达式给出的作业类型（“{name}”）} multiple-events {多重/并行多重的 {type}（{count} 个事件定义）} event-definition { {type} 上的 {definition}} event-kind { {kind} 类型的 {type}} case-ref {调用 CMMN 案例（camunda:caseRef）} script-format {“{format}”语言的脚本（sopflow 只运行 FEEL 脚本：scriptFormat="feel"）} script-resource {从 camunda:resource“{resource}”加载的脚本（请把 FEEL 脚本直接写在图中）} dmn {DMN 决策（请使用 FEEL 的 sop:expression，或作业类型）} camunda-parameter {带脚本、列表或映射的 camunda:{direction}Parameter“{name}”} loop-data-input {基于 loopDataInputRef 的多实例（请使用 sop:collection）} other {此元素}}。',
  'bpmn.event-kind': '{variant, select, boundary {边界事件没有事件定义。} catch {中间捕获事件没有事件定义。} other {事件没有事件定义。}}',
  'bpmn.message-ref':
    '{variant, select, no-name {消息「{message}」没有名称。} receive-task {接收任务没有消息（带名称的 messageRef）。} other {消息事件没有消息（messageRef）。}}',
  'bpmn.signal-ref': '信号事件没有信号名称（signalRef）。',
  'bpmn.error-ref': '{variant, select, no-code {错误「{error}」没有 errorCode。} other {错误结束事件必须引用带有 errorCode 的错误（errorRef）。}}',
  'bpmn.escalation-ref':
    '{variant, select, no-code {升级「{escalation}」没有 escalationCode。} other {升级抛出事件必须引用带有 escalationCode 的升级（escalationRef）。}}',
  'bpmn.send-task': '发送任务既没有作业类型也没有消息；它会立即完成，只发出 message.sent 事件。',
  'bpmn.called-element': '调用活动没有 calledElement（要调用的流程的 id）。',
  'expression.juel':
    '{variant, select, template {“{text}”把文本和 JUEL 表达式混在一起，sopflow 无法运行：它只计算 FEEL（请改写为 FEEL，例如 \'="order-" + string(id)\'）。} other {JUEL 表达式“{text}”无法运行：sopflow 只计算 FEEL（请改写为 FEEL，例如 \'=approved = true\'）。}}',
  'expression.invalid': '表达式有误：{detail}',
  'expression.language': '不支持条件语言“{language}”；请用 FEEL 编写条件。',
  'time.invalid-duration': '时长“{value}”无效：{detail}',
  'timer.definition':
    '{variant, select, several {定时器同时设置了 {kinds}；只能设置其中一个。} empty {定时器的 {timerType} 为空。} other {定时器没有 timeDuration、timeDate 或 timeCycle。}}',
  'timer.invalid': '定时器的 {timerType}“{value}”无效：{detail}',
  'timer.start-expression':
    '流程的定时器开始事件在流程部署时就会排期，那时还没有任何变量：请把它的 {timerType} 写成字面值（ISO 8601 或 cron），而不是表达式。',
  'sop.field':
    '{variant, select, no-name {<sop:field> 没有名称。} type {<sop:field name="{name}"> 的类型“{type}”不是 {types} 之一。} min-length {<sop:field name="{name}"> 的 minLength“{minLength}”必须是不小于 0 的整数。} other {<sop:field> 有误。}}',
  'sop.expression': '{type, select, scriptTask {脚本任务} other {业务规则任务}}既没有 FEEL 表达式（sop:expression），也没有作业类型（sop:type）。',
  'sop.result-variable': '表达式的结果没有被保存：请设置 sop:resultVariable。',
  'form.pattern': '{detail}：表单无法检查此模式（RE2 语法：不支持环视和反向引用）。',
  'form.missing': 'zeebe:formDefinition 的 formKey“{formKey}”在流程中找不到 id 为“{form}”的 zeebe:userTaskForm。',
  'form.linked': '表单“{form}”不在图中，sopflow 既无法显示也无法检查它；请将其嵌入（sop:form），以便检查提交的数据。',
  'form.twice': '任务同时声明了 {source} 和 <sop:field>：请只保留一种表单。',
  'form.too-large': '表单定义有 {length} 个字符；最多接受 {max} 个。',
  'form.json': '{source} 不是 JSON 格式的 form-js 表单定义：{detail}。',
  'form.schema': '{source} {path}：{detail}。',
  'job.retries': '重试次数“{retries}”必须是不小于 0 的整数。',
  'mapping.target': '{direction, select, input {输入} output {输出} other {{direction}}}映射没有目标变量。',
  'mapping.source': 'zeebe:output 的来源“{source}”不是表达式：Zeebe 输出映射以“=”开头（例如“{suggestion}”）。',
  'loop.condition': '标准循环没有 loopCondition。',
  'loop.input': '多实例既没有 loopCardinality，也没有集合（sop:collection）。',
  'loop.output': 'sop:outputCollection 需要 sop:outputElement（每个实例贡献的内容）。',
  'sla.missing': '有升级规则按 SLA 的百分比触发，但该元素没有 sop:sla。',
  'sla.rule':
    '{variant, select, no-at {{rule} 没有“at”（例如 at="75%" 或 at="PT4H"）。} action {{rule} 的 action“{action}”必须是 {actions} 之一。} times {{rule} 的 times“{times}”必须是不小于 1 的整数。} escalation-code {{rule} 的 action="escalate" 需要 escalationCode。} no-target {{rule} 的 action="{action}" 需要 target（group:<id> 或 user:<id>）。} target {{rule} 的 target“{target}”必须是以逗号分隔的 group:<id> / user:<id> 列表。} other {{rule} 有误。}}',
  'sla.unknown-calendar': '工作日历“{calendar}”未在引擎中注册（已注册：{count, plural, =0 {无} other {{registered}}}）。',
  'sla.escalation-uncaught': 'sop:escalation[{index}] 的升级“{escalationCode}”没有被任何边界事件或事件子流程捕获；它只会被记录下来。',
  'sla.rule-after-timer': 'sop:escalation[{index}] 永远不会触发：中断型定时器 {timer} 会先结束该活动。',
};

/** sopflow's lint rules (bpmnlint-plugin-sopflow). */
const lint: Catalog = {
  'escalation-caught.sla-rule':
    'sop:escalation[{index}] 的升级“{escalationCode}”没有被任何元素捕获，因此只会被记录下来：应在抛出者或其外层子流程上添加（带此代码或不带代码的）升级边界事件，或在向外的路径上添加升级事件子流程。',
  'escalation-caught.throw-event':
    '此事件抛出的升级“{escalationCode}”没有被任何元素捕获，因此只会被记录下来：应在抛出者或其外层子流程上添加（带此代码或不带代码的）升级边界事件，或在向外的路径上添加升级事件子流程。',
  'exclusive-gateway-default.missing':
    '网关没有默认流，且其传出顺序流的条件可能无法覆盖所有情况（哪条都不满足的流程实例会因故障而停住）：应添加默认流，或让同一变量上的条件覆盖所有取值（例如 x < 10 和 x >= 10）。',
  'user-task-owner.missing':
    '用户任务没有负责人：应设置 sop:assignee、sop:candidateGroups 或 sop:candidateUsers（或 camunda:assignee/candidateGroups/candidateUsers，或 zeebe:assignmentDefinition）。',
  'message-thrown-or-external.unknown-sender':
    '此处在等待消息“{message}”，但本文件中没有任何元素发送它：应添加发送此消息的消息抛出/结束事件或发送任务，或将其标记为外部消息（在消息「{messageId}」的 bpmn:documentation 中写上“external”，或加入规则的 external 列表）。',
  'feel-valid.invalid': '{place} 中的 FEEL 表达式有误：{detail}',
  'feel-valid.juel':
    '{place} 中的 JUEL 表达式“{text}”无法运行：sopflow 计算 FEEL，只转换简单的 JUEL（变量、属性路径、字面值、比较、!/not、&&/||、empty）；应写成 FEEL，例如 \'=approved = true\'。',
  'feel-valid.juel-template':
    '{place} 中的“{text}”把文本和 JUEL 表达式混在一起，sopflow 无法运行；应写成字面值，或以“=”开头的 FEEL（例如 \'="order-" + string(id)\'）。',
  'sla-valid.sla': 'sop:sla“{sla}”既不是 ISO 8601 时长，也不是 FEEL：应写成例如 PT2H 或 P1D，或以“=”开头的 FEEL。',
  'sla-valid.unknown-calendar':
    '{variant, select, no-file {找不到 sop:calendar“{calendar}”：没有找到工作日历文件；应提供一个定义了“{calendar}”的工作日历文件。} none-defined {sop:calendar“{calendar}”不是已知的工作日历：工作日历文件中没有定义任何日历；应在其中定义“{calendar}”。} other {sop:calendar“{calendar}”不是已知的工作日历：应为以下之一：{calendars}。}}',
  'sla-valid.share-without-sla': 'sop:escalation[{index}] 在 SLA 的 {at} 时触发，但该元素没有 sop:sla：应在此元素上设置 sop:sla（例如 PT2H）。',
  'sla-valid.rule-at':
    '{variant, select, missing {{rule} 没有“at”：应为 SLA 的百分比（at="75%"）或 ISO 8601 时长（at="PT4H"）。} other {{rule} 的 at“{at}”既不是 SLA 的百分比，也不是 ISO 8601 时长：应写成例如 75% 或 PT4H。}}',
  'sla-valid.rule-action': '{rule} 的 action“{action}”不是 {actions} 之一。',
  'sla-valid.rule-every': '{rule} 的 every“{every}”不是 ISO 8601 时长：应写成例如 PT4H 或 P1D。',
  'sla-valid.rule-times': '{rule} 的 times“{times}”不是不小于 1 的整数。',
  'sla-valid.rule-escalation-code': '{rule} 的 action="escalate" 但没有 escalationCode：应填写要抛出的 BPMN 升级代码。',
  'sla-valid.rule-target':
    '{variant, select, missing {{rule} 的 action="{action}" 但没有 target：应为 group:<id> / user:<id>（以逗号分隔）或 FEEL。} other {{rule} 的 target“{target}”不是以逗号分隔的 group:<id> / user:<id> 列表。}}',
  'sla-valid.invalid': '{place} 中的 FEEL 表达式有误：{detail}',
  'sla-valid.juel':
    '{place} 中的 JUEL 表达式“{text}”无法运行：sopflow 计算 FEEL，只转换简单的 JUEL（变量、属性路径、字面值、比较、!/not、&&/||、empty）；应写成 FEEL，例如 \'=approved = true\'。',
  'sla-valid.juel-template':
    '{place} 中的“{text}”把文本和 JUEL 表达式混在一起，sopflow 无法运行；应写成字面值，或以“=”开头的 FEEL（例如 \'="order-" + string(id)\'）。',
  'lint.rule-error': '规则 {rule} 运行出错：{detail}',
};

/** bpmnlint's own rules, recognised by rule name and text (see builtinMessages.ts in the lint package). */
const bpmnlint: Catalog = {
  'bpmnlint.ad-hoc-sub-process': '{variant, select, start {自由子流程中不允许有开始事件} other {自由子流程中不允许有结束事件}}',
  'bpmnlint.conditional-event': '条件事件缺少条件',
  'bpmnlint.conditional-flows': '顺序流缺少条件',
  'bpmnlint.end-event-required': '{scope, select, subProcess {子流程} other {流程}}缺少结束事件',
  'bpmnlint.event-based-gateway': '{variant, select, outgoing {事件网关至少要有 2 条传出顺序流} other {事件网关的传出顺序流不能带条件}}',
  'bpmnlint.event-sub-process-typed-start-event': '开始事件缺少事件定义',
  'bpmnlint.fake-join': '传入的顺序流没有汇合',
  'bpmnlint.global': '{variant, select, name {元素缺少名称} unused {元素未被使用} other {元素名称不唯一}}',
  'bpmnlint.label-required': '元素缺少标签/名称',
  'bpmnlint.link-event':
    '{variant, select, name {链接事件缺少链接名称} duplicate {本范围内有重复的链接捕获事件，链接名称为 <{name}>} catch {本范围内缺少链接名称为 <{name}> 的链接捕获事件} other {本范围内缺少链接名称为 <{name}> 的链接抛出事件}}',
  'bpmnlint.no-bpmndi': '元素缺少 bpmndi（图形信息）',
  'bpmnlint.no-disconnected': '元素没有连接',
  'bpmnlint.no-duplicate-sequence-flows': '{variant, select, flow {顺序流重复} outgoing {传出顺序流重复} other {传入顺序流重复}}',
  'bpmnlint.no-gateway-join-fork': '网关既汇合又分叉',
  'bpmnlint.no-implicit-end': '元素是隐式结束',
  'bpmnlint.no-implicit-split': '顺序流隐式分叉',
  'bpmnlint.no-implicit-start': '元素是隐式开始',
  'bpmnlint.no-overlapping-elements': '{variant, select, overlap {元素与其他元素重叠} other {元素超出了父元素的边界}}',
  'bpmnlint.single-blank-start-event': '{scope, select, subProcess {子流程} other {流程}}有多个空开始事件',
  'bpmnlint.single-event-definition': '事件有多个事件定义',
  'bpmnlint.standard-size':
    '{variant, select, width {元素宽度不是标准值；应为 {width}} height {元素高度不是标准值；应为 {height}} other {元素尺寸不是标准值；应为 {width}x{height}}}',
  'bpmnlint.start-event-required': '{scope, select, subProcess {子流程} other {流程}}缺少开始事件',
  'bpmnlint.sub-process-blank-start-event': '开始事件必须是空开始事件',
  'bpmnlint.superfluous-gateway': '网关是多余的：它只有一个来源和一个目标。',
  'bpmnlint.superfluous-label': '顺序流带有多余的标签',
  'bpmnlint.superfluous-termination': '终止是多余的。',
  'bpmnlint.discouraged-type': '不建议使用元素类型 <{type}>',
};

/** Soundness findings (`sopflow/soundness/<kind>`) and the parts they are built from. */
const soundness: Catalog = {
  'soundness.state-space-bound':
    '检查在探索了 {max} 个标记（maxStates）后停止：该流程的并发路径太多，无法全部探索。已报告目前发现的问题；死活动不会报告，此后的问题可能被遗漏。',
  'soundness.improper-completion.uncaught-error':
    '{element} 抛出 BPMN 错误“{errorCode}”，但没有任何边界事件或事件子流程捕获它：引擎会让流程实例停在该处并产生故障，流程实例永远无法完成（若该流程由调用活动运行，错误会交给调用方）。',
  'soundness.improper-completion.token-left': '到达 {end} 时，{element} 处还留有一个令牌，它{reason}。流程实例永远无法完成。',
  'soundness.deadlock': '{element} {reason}，因此流程实例永远无法完成。',
  'soundness.reason.and-join': '在{filled}上持有令牌，却在永远等待{waiting}，而后者再也无法带来令牌（并行网关只有在每条传入顺序流都有令牌时才会触发）',
  'soundness.reason.or-join': '在{filled}上持有令牌，却在永远等待{waiting}',
  'soundness.reason.or-join-blocked': '在{filled}上持有令牌，却在永远等待{waiting}（{blocker} 处的令牌本可以带来一个，但它也被卡住了）',
  'soundness.reason.stuck': '持有一个无法继续前进的令牌',
  'soundness.lack-of-synchronisation.unbounded':
    '令牌在 {element} 处不断堆积：同时超过 {max} 个（无界），因为某个循环或重复的事件不断产生从未被同步的令牌。检查没有继续探索此后的情况。',
  'soundness.lack-of-synchronisation.unbounded-flow':
    '令牌在进入 {element} 的 {flow} 上不断堆积：同时超过 {max} 个（无界），因为某个循环或重复的事件不断产生从未被同步的令牌。检查没有继续探索此后的情况。',
  'soundness.lack-of-synchronisation.join':
    '{element} 在触发之前就在 {flow} 上收到了第二个令牌：到达这个{join, select, inclusive {包容网关} other {并行网关}}汇合处的各分支没有同步，因此它可能触发过多次，也可能永远等待。',
  'soundness.lack-of-synchronisation.repeated':
    '{element} 可能同时{what, select, run {运行} wait {等待} other {执行}} {count} 次：来自并行分支的令牌未经同步就到达了它（例如并行分叉后用排他网关合并），因此它的工作会被重复执行。',
  'soundness.livelock': '经过 {elements} 的循环可能无限重复：流程实例一旦进入其中，就没有通往结束的路径，因此永远无法完成。',
  'soundness.dead-activity.boundary-auto':
    '{element} 永远不会触发：{host} 会立即完成（引擎不会在 {hostType} 上等待），所以没有任何东西在等待这个事件。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.dead-activity.boundary-error':
    '{element} 永远不会触发：{host} 运行期间不会抛出它所捕获的错误（错误来自作业、调用活动以及子流程内的错误结束事件）。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.dead-activity.boundary-escalation':
    '{element} 永远不会触发：{host} 运行期间不会抛出它所捕获的升级。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.dead-activity.boundary': '{element} 永远不会触发。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.dead-activity.event-sub-process-uncaught':
    '{eventSubProcess} 永远不会被触发：在它的范围内不会抛出它所捕获的{kind, select, error {错误} other {升级}}。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.dead-activity.event-sub-process': '{eventSubProcess} 永远不会被触发。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.dead-activity.no-incoming':
    '{element} 没有传入的顺序流，因此没有令牌能到达它（流程实例只从开始事件开始）。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.dead-activity.never-fires':
    '{element} 永远不会触发：令牌能到达它，但{join, select, parallel {它的传入顺序流永远不会同时都有令牌} other {它永远得不到触发的机会}}{flowCount, plural, =0 {} other {（{flows} 永远不会带来令牌）}}。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.dead-activity.never-reached': '{element} 永远不会被到达：{reasons}。{afterCount, plural, =0 {} other {其后的元素也都不会运行：{after}。}}',
  'soundness.part.never-takes': '{source} 永远不会走顺序流 {flow}',
  'soundness.part.never-takes.shadowed': '{source} 永远不会走顺序流 {flow}（顺序流 {first} 排在前面且没有条件，所以总是走它）',
  'soundness.part.never-takes.default-shadowed': '{source} 永远不会走顺序流 {flow}（它是默认流，但顺序流 {first} 没有条件，总是被选中）',
  'soundness.part.flow': '顺序流 {flow}（来自 {from}）',
  'soundness.part.flow-named': '顺序流 {flow}“{name}”（来自 {from}）',
  'soundness.part.more': '{items} 等另外 {more} 项',
};

/** A submitted form field that does not fit (FormValidationError `fields`, by `form.field.<code>`). */
const forms: Catalog = {
  'form.field.required': '{variant, select, checked {必须勾选「{field}」。} when {「{field}」为必填项（当 {condition} 时）。} other {「{field}」为必填项。}}',
  'form.field.type':
    '「{field}」应为{type, select, number {数字} boolean {true 或 false} date {日期，例如 2026-12-31} datetime {日期和时间，例如 2026-12-31T17:30+08:00} time {时间，例如 17:30} list {列表} other {{expected}}}。',
  'form.field.values': '「{field}」只能取 {values} 中的值。',
  'form.field.minLength': '「{field}」至少需要 {minLength} 个字符，当前为 {length} 个。',
  'form.field.maxLength': '「{field}」最多 {maxLength} 个字符，当前为 {length} 个。',
  'form.field.min': '「{field}」不能小于 {min}。',
  'form.field.max': '「{field}」不能大于 {max}。',
  'form.field.pattern': '「{field}」必须符合 {pattern}。',
  'form.field.format': '「{field}」{format, select, email {必须是电子邮件地址，例如 name@example.com} other {必须是国际格式的电话号码，例如 +8613800138000}}。',
  'form.field.condition': '「{field}」的条件 {expression} 无法计算。',
};

/**
 * Errors of the engine's API an owner meets in the workbench (a `SopflowError`:
 * its `code`, its `details` as params — see `errorRef`). Errors only a developer
 * meets (bad options, variables that cannot be stored, store failures) keep
 * their English.
 */
const runtime: Catalog = {
  'process.not-found': '没有 id 为“{id}”的流程（请先部署）。',
  'instance.not-found': '没有 id 为“{id}”的流程实例。',
  'task.not-found': '没有 id 为“{id}”的任务，或该任务已不再处于待办状态。',
  'job.not-found': '没有 id 为“{id}”的作业，或该作业已结束。',
  'calendar.not-found': '没有名为“{id}”的工作日历。',
  'timer.not-found': '没有 id 为“{id}”的定时器。',
  'task.not-assignable': '无权处理任务“{taskId}”：只有该任务的负责人、候选人或候选组成员才能处理。',
  'task.claimed': '任务“{taskId}”已被“{assignee}”认领。',
  'instance.ended': '流程实例“{instanceId}”已{status, select, completed {完成} cancelled {取消} other {结束}}，不再接受任何操作。',
  'instance.exists': 'id 为“{instanceId}”的流程实例已经存在。',
  'instance.no-none-start': '流程“{processId}”没有空开始事件；请通过消息、信号或定时器启动它。',
  'instance.bad-start': '“{startNode}”不是流程“{processId}”的开始事件。',
  'message.no-subscription': '流程实例“{instanceId}”并未在等待这条消息。',
  'message.correlation': '消息“{messageName}”没有匹配到任何等待中的流程实例，也没有匹配的消息开始事件。',
  'incident.not-found': '流程实例“{instanceId}”没有未解决的故障“{incidentId}”。',
  'access.forbidden': '“{actor}”无权执行 {action}：已被授权钩子拒绝。',
  'form.invalid': '表单未填写完整，请检查标出的字段。',
  'store.conflict': '数据已被同时修改，请刷新后重试。',
};

/** The engine's problems as the `executable` lint rule reports them (`executable.<code>`, `{prefix}` names an element not in the document). */
const executable: Catalog = Object.fromEntries(Object.entries(compile).map(([code, template]) => [`executable.${code}`, `{prefix}${template}`]));

export const problems: Catalog = { ...parse, ...compile, ...lint, ...bpmnlint, ...soundness, ...forms, ...runtime, ...executable };
