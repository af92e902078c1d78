/**
 * Checks of the values a process owner types in the SOP tab, with the
 * engine's own readers (`parseDuration`, `compileFeel`), so that what the
 * modeler accepts is what the engine runs. Each check returns an error
 * message for the field in the page's language, or `null` when the value
 * is fine (an empty value is fine: the attribute is removed). Pure.
 */
import { compileFeel, parseDuration } from '@sopflow/engine';
import { ESCALATION_ACTIONS } from '@sopflow/moddle';
import { t } from '../../i18n/language.js';

type Check = (value: string | undefined) => string | null;

function blank(value: string | undefined): value is undefined | '' {
  return value === undefined || value.trim() === '';
}

function feelError(value: string): string | null {
  try {
    compileFeel(value);
    return null;
  } catch (error) {
    return t('sop.error.feel', { detail: (error as Error).message });
  }
}

function durationError(value: string): string | null {
  try {
    parseDuration(value);
    return null;
  } catch (error) {
    return t('sop.error.duration', { detail: (error as Error).message, value: value.trim() });
  }
}

/** An ISO 8601 duration (`PT2H`, `P1D`) or FEEL (`=…`) yielding one: `sop:sla`. */
export const validateSla: Check = (value) => {
  if (blank(value)) return null;
  return value.trim().startsWith('=') ? feelError(value) : durationError(value);
};

/** An ISO 8601 duration: `every` of an escalation rule. */
export const validateDuration: Check = (value) => (blank(value) ? null : durationError(value));

/** A share of the SLA (`75%`) or an ISO duration from the start (`PT4H`): `at` of an escalation rule. */
export const validateAt: Check = (value) => {
  if (blank(value)) return t('sop.error.at-missing');
  const text = value.trim();
  if (text.endsWith('%')) {
    const share = Number(text.slice(0, -1));
    return Number.isFinite(share) && share >= 0 && text.length > 1 ? null : t('sop.error.share', { text });
  }
  return durationError(text);
};

/** A literal, or FEEL when it starts with `=`: owners, department, calendar expressions. */
export const validateValueOrFeel: Check = (value) => (blank(value) || !value.trim().startsWith('=') ? null : feelError(value));

/** FEEL that must be FEEL (a calendar chosen as an expression). */
export const validateFeel: Check = (value) => {
  if (blank(value)) return null;
  if (!value.trim().startsWith('=')) return t('sop.error.not-feel');
  return feelError(value);
};

/** A whole number ≥ 1: `times` of an escalation rule. */
export const validateTimes: Check = (value) => (blank(value) || /^[1-9]\d{0,5}$/.test(value.trim()) ? null : t('sop.error.times', { value }));

/** Comma-separated variable names: `sop:sensitive`. */
export const validateVariableNames: Check = (value) => {
  if (blank(value)) return null;
  const bad = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => !/^[A-Za-z_][\w.-]*$/.test(n));
  return bad.length ? t('sop.error.variable-names', { names: bad.map((n) => `'${n}'`).join(', ') }) : null;
};

/** `group:<id>` / `user:<id>`, comma separated, or FEEL: `target` of an escalation rule. */
export const validateTarget: Check = (value) => {
  if (blank(value)) return null;
  if (value.trim().startsWith('=')) return feelError(value);
  const bad = value
    .split(',')
    .map((target) => target.trim())
    .filter((target) => !/^(group|user):\S+$/.test(target));
  return bad.length ? t('sop.error.target', { targets: bad.map((target) => `'${target}'`).join(', ') }) : null;
};

/** An escalation rule's action. */
export const validateAction: Check = (value) =>
  value !== undefined && (ESCALATION_ACTIONS as readonly string[]).includes(value) ? null : t('sop.error.action', { actions: ESCALATION_ACTIONS.join(', ') });

/** What an action needs besides `at`: `escalate` a code, `reassign`/`notify` a target. */
export function requiredForAction(action: string | undefined, field: 'escalationCode' | 'target', value: string | undefined): string | null {
  if (!blank(value)) return null;
  if (field === 'escalationCode' && action === 'escalate') return t('sop.error.code-required');
  if (field === 'target' && (action === 'reassign' || action === 'notify')) return t('sop.error.target-required', { action });
  return null;
}

/** Days, hours and minutes of the duration picker. */
export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
}

/** The picker's parts of a plain duration (`P1DT2H30M`), or undefined for FEEL, weeks, months or years. Pure. */
export function durationParts(value: string | undefined): DurationParts | undefined {
  if (blank(value) || value.trim().startsWith('=')) return undefined;
  try {
    const d = parseDuration(value);
    if (d.years || d.months || d.weeks || d.seconds) return undefined;
    return { days: d.days ?? 0, hours: d.hours ?? 0, minutes: d.minutes ?? 0 };
  } catch {
    return undefined;
  }
}

/** The ISO duration of the picker's parts (`PT1H`, `P1DT30M`); undefined when all are zero. Pure. */
export function formatDurationParts(parts: DurationParts): string | undefined {
  const { days, hours, minutes } = parts;
  if (!days && !hours && !minutes) return undefined;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
