/** Dates and durations: unit names with plurals, luxon date formats. */
import type { Pair } from './define.js';

export const time = {
  'time.unit.years': ['{n, plural, one {# year} other {# years}}', '{n} 年'],
  'time.unit.months': ['{n, plural, one {# month} other {# months}}', '{n} 个月'],
  'time.unit.weeks': ['{n, plural, one {# week} other {# weeks}}', '{n} 周'],
  'time.unit.days': ['{n, plural, one {# day} other {# days}}', '{n} 天'],
  'time.unit.hours': ['{n, plural, one {# hour} other {# hours}}', '{n} 小时'],
  'time.unit.minutes': ['{n, plural, one {# minute} other {# minutes}}', '{n} 分钟'],
  'time.unit.seconds': ['{n, plural, one {# second} other {# seconds}}', '{n} 秒'],
  'time.unit.separator': [' ', ' '],
  'time.working.years': ['{n, plural, one {# working year} other {# working years}}', '{n} 个工作年'],
  'time.working.months': ['{n, plural, one {# working month} other {# working months}}', '{n} 个工作月'],
  'time.working.weeks': ['{n, plural, one {# working week} other {# working weeks}}', '{n} 个工作周'],
  'time.working.days': ['{n, plural, one {# working day} other {# working days}}', '{n} 个工作日'],
  'time.working.hours': ['{n, plural, one {# working hour} other {# working hours}}', '{n} 个工作小时'],
  'time.working.minutes': ['{n, plural, one {# working minute} other {# working minutes}}', '{n} 分钟（工作时间）'],
  'time.working.seconds': ['{n, plural, one {# working second} other {# working seconds}}', '{n} 秒（工作时间）'],
  'time.working': ['{duration} of working time', '工作时间 {duration}'],
  // luxon format tokens (https://moment.github.io/luxon/#/formatting?id=table-of-tokens)
  'time.format.weekday-time': ['cccc HH:mm', 'cccc HH:mm'],
  'time.format.date-time': ['ccc d LLL yyyy, HH:mm', 'yyyy年M月d日 cccc HH:mm'],
  'time.format.date': ['d LLL yyyy', 'yyyy年M月d日'],
  'time.format.time': ['HH:mm', 'HH:mm'],
} as const satisfies Record<string, Pair>;
