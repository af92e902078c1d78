import { describe, expect, it } from 'vitest';
import { fieldProblemRef, problemRef, translator } from '../src/index.js';

describe('coded messages from sopflow\'s shapes', () => {
  it('should render a lint finding with a nested part in Chinese, and keep its English in English', () => {
    // given: a soundness finding as checkSoundness writes it
    const finding = {
      code: 'soundness.deadlock',
      message: "'Join' (j) holds a token that nothing can move on, so the case can never finish.",
      params: { element: "'Join' (j)", reason: { code: 'soundness.reason.stuck', params: {}, message: 'holds a token that nothing can move on' } },
    };
    // when / then
    expect(translator('zh-CN').message(problemRef(finding))).toBe("'Join' (j) 持有一个无法继续前进的令牌，因此流程实例永远无法完成。");
    expect(translator('en').message(problemRef(finding))).toBe(finding.message);
  });

  it('should keep the English of a finding without a code or without a translation', () => {
    expect(translator('zh-CN').message(problemRef({ message: 'Something odd' }))).toBe('Something odd');
    expect(translator('zh-CN').message(problemRef({ code: 'no.such-code', message: 'Not translated yet' }))).toBe('Not translated yet');
  });

  it('should name a refused form field by its label, else its variable', () => {
    // given: FormValidationError fields as the engine's checkForm writes them
    const required = { field: 'reason', label: '驳回原因', code: 'required', message: "'驳回原因' (reason) is required when approved = false.", params: { variant: 'when', condition: 'approved = false' } };
    const short = { field: 'reason', code: 'minLength', message: "'reason' needs at least 10 characters, got 3.", params: { minLength: 10, length: 3 } };
    // when / then
    expect(translator('zh-CN').message(fieldProblemRef(required))).toBe('「驳回原因」为必填项（当 approved = false 时）。');
    expect(translator('zh-CN').message(fieldProblemRef(short))).toBe('「reason」至少需要 10 个字符，当前为 3 个。');
    expect(translator('en').message(fieldProblemRef(short))).toBe(short.message);
  });
});
