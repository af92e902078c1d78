/**
 * Simplified Chinese for bpmn-js, diagram-js and bpmn-js-properties-panel:
 * bpmn-io's community translations (bpmn-js-i18n, its `zn` table: palette,
 * context pad, replace menu) with what it lacks or words differently for
 * sopflow — the properties panel's BPMN groups and entries, and the newer
 * bpmn-js strings. Keys are bpmn-js's English source texts.
 */
import zn from 'bpmn-js-i18n/translations/zn.js';

/** What sopflow adds to or changes in bpmn-js-i18n's `zn` table. */
const SOPFLOW: Readonly<Record<string, string>> = {
  // bpmn-js and diagram-js strings bpmn-js-i18n does not have (yet)
  'Activate hand tool': '启动抓手工具',
  'Activate lasso tool': '启动套索工具',
  'Ad-hoc sub-process': '临时子流程',
  'Align elements': '对齐元素',
  'Change element': '更改元素',
  'Distribute elements horizontally': '水平分布元素',
  'Distribute elements vertically': '垂直分布元素',
  'Toggle non-interrupting': '切换为（非）中断',
  'Expanded pool/participant': '展开的池/参与者',
  'Boundary event': '边界事件',
  'Event based instantiating Gateway': '基于事件的实例化网关',
  'Parallel Event based instantiating Gateway': '基于事件的并行实例化网关',
  'Call activity': '调用活动',
  // bpmn-js-bpmnlint
  'Issues for child elements': '子元素的问题',
  'Toggle linting overlays': '显示/隐藏检查标记',
  // @bpmn-io/properties-panel
  'Open documentation': '打开文档',
  'Toggle section': '展开/收起',
  'Section contains an error': '此部分有错误',
  'Section contains edits': '此部分有修改',
  '<empty>': '<空>',
  'Toggle list item': '展开/收起',
  'Delete item': '删除',
  'Create new list item': '新增一项',
  Create: '新建',
  'JSON contains errors': 'JSON 有错误',
  'Open pop-up editor': '在弹出的编辑器中打开',
  'Opened in editor': '已在编辑器中打开',
  'FEEL expression is mandatory': '必须是 FEEL 表达式',
  'Unparsable FEEL expression.': '无法解析的 FEEL 表达式。',
  // bpmn-js-properties-panel: the BPMN groups and entries
  'Select an element to edit its properties.': '选择一个元素以编辑其属性。',
  'Multiple elements are selected. Select a single element to edit its properties.': '已选择多个元素。请只选择一个元素来编辑其属性。',
  General: '常规',
  Name: '名称',
  ID: 'ID',
  Documentation: '文档',
  'Element documentation': '元素文档',
  'Process documentation': '流程文档',
  'Process name': '流程名称',
  'Process ID': '流程 ID',
  'Participant Name': '参与者名称',
  Executable: '可执行',
  'ID must not be empty.': 'ID 不能为空。',
  'ID must be unique.': 'ID 必须唯一。',
  'ID must not contain spaces.': 'ID 不能包含空格。',
  'ID must not contain prefix.': 'ID 不能包含前缀。',
  'ID must be a valid QName.': 'ID 必须是有效的 QName。',
  Compensation: '补偿',
  'Wait for completion': '等待完成',
  'Activity reference': '活动引用',
  '<none>': '<无>',
  'Create new ...': '新建…',
  Error: '错误',
  'Global error reference': '全局错误引用',
  Code: '代码',
  Escalation: '升级',
  'Global escalation reference': '全局升级引用',
  Message: '消息',
  'Global message reference': '全局消息引用',
  Signal: '信号',
  'Global signal reference': '全局信号引用',
  Link: '链接',
  Timer: '定时器',
  Type: '类型',
  Value: '值',
  Date: '日期',
  Duration: '时长',
  Cycle: '周期',
  'A specific point in time defined as ISO 8601 combined date and time representation.': '以 ISO 8601 日期时间格式表示的某一时刻。',
  'UTC time': 'UTC 时间',
  'UTC plus 2 hours zone offset': 'UTC 加 2 小时时区偏移',
  'Documentation: Timer events': '文档：定时器事件',
  'A cycle defined as ISO 8601 repeating intervals format.': '以 ISO 8601 重复间隔格式表示的周期。',
  'every 10 seconds, up to 5 times': '每 10 秒，最多 5 次',
  'every day, infinitely': '每天，无限次',
  'A time duration defined as ISO 8601 durations format.': '以 ISO 8601 时长格式表示的时长。',
  '15 seconds': '15 秒',
  '1 hour and 30 minutes': '1 小时 30 分钟',
  '14 days': '14 天',
  'Multi-instance': '多实例',
  'Loop cardinality': '循环基数',
  'Completion condition': '完成条件',
  'Cancel remaining instances': '取消其余实例',
  Completion: '完成',
  'Condition expression': '条件表达式',
  Condition: '条件',
};

/** Element types as the properties panel's header names them (`User Task`, `Timer Boundary Event (Non Interrupting)`). */
const TYPES: Readonly<Record<string, string>> = {
  Task: '任务',
  'User Task': '用户任务',
  'Service Task': '服务任务',
  'Send Task': '发送任务',
  'Receive Task': '接收任务',
  'Manual Task': '手工任务',
  'Business Rule Task': '业务规则任务',
  'Script Task': '脚本任务',
  'Call Activity': '调用活动',
  'Sub Process': '子流程',
  'Event Sub Process': '事件子流程',
  'Ad Hoc Sub Process': '临时子流程',
  Transaction: '事务',
  'Exclusive Gateway': '排他网关',
  'Parallel Gateway': '并行网关',
  'Inclusive Gateway': '包容网关',
  'Event Based Gateway': '事件网关',
  'Complex Gateway': '复杂网关',
  'Sequence Flow': '顺序流',
  'Conditional Flow': '条件流',
  'Default Flow': '默认流',
  'Message Flow': '消息流',
  Association: '关联',
  Process: '流程',
  Participant: '参与者',
  'Empty Pool': '空池',
  Collaboration: '协作',
  Lane: '泳道',
  'Text Annotation': '文本注释',
  'Data Object Reference': '数据对象引用',
  'Data Store Reference': '数据存储引用',
  'Data Input': '数据输入',
  'Data Output': '数据输出',
  Group: '分组',
};
const EVENTS: Readonly<Record<string, string>> = {
  'Start Event': '开始事件',
  'End Event': '结束事件',
  'Intermediate Throw Event': '中间抛出事件',
  'Intermediate Catch Event': '中间捕获事件',
  'Boundary Event': '边界事件',
};
const DEFINITIONS: Readonly<Record<string, string>> = {
  Message: '消息',
  Timer: '定时',
  Escalation: '升级',
  Conditional: '条件',
  Link: '链接',
  Error: '错误',
  Cancel: '取消',
  Compensate: '补偿',
  Signal: '信号',
  Multiple: '多重',
  'Parallel Multiple': '并行多重',
  Terminate: '终止',
};

function headerTypes(): Record<string, string> {
  const out: Record<string, string> = { ...TYPES };
  for (const [event, eventZh] of Object.entries(EVENTS)) {
    const kinds: Array<[string, string]> = [[event, eventZh], ...Object.entries(DEFINITIONS).map(([d, dZh]): [string, string] => [`${d} ${event}`, `${dZh}${eventZh}`])];
    for (const [en, zh] of kinds) {
      out[en] = zh;
      out[`${en} (Non Interrupting)`] = `${zh}（非中断）`;
    }
  }
  return out;
}

/** bpmn-js's English texts → Simplified Chinese. */
export const BPMN_ZH_CN: Readonly<Record<string, string>> = { ...headerTypes(), ...(zn as Record<string, string>), ...SOPFLOW };
