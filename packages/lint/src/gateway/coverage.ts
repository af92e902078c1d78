/**
 * Whether the conditions of a gateway's outgoing flows provably accept
 * every case, for the decidable form of `conditionRegion`. Pure.
 */
import { translateJuel } from '@sopflow/engine';
import { textOf } from '../model/extensions.js';
import type { ModdleElement } from '../types.js';
import { conditionRegion } from './conditionRegion.js';
import { isEverything, NONE, Undecidable, union, type Region } from './regions.js';

const FEEL_LANGUAGE = /^(feel|http:\/\/www\.omg\.org\/spec\/FEEL\/.*)$/i;

/** The FEEL text of a flow's condition (JUEL translated), or `undefined` when it is not FEEL. */
function feelOf(flow: ModdleElement): string | undefined {
  const condition = flow.conditionExpression;
  if (condition.language && !FEEL_LANGUAGE.test(condition.language)) return undefined;
  const text = textOf(condition)?.trim() ?? '';
  if (/^[$#]\{/.test(text)) return translateJuel(text) ?? undefined;
  return text.startsWith('=') ? text.slice(1).trim() : text;
}

/**
 * Whether the conditions of these flows together accept every value: they
 * all test the same variable against literals (or are constants), and the
 * union of what they accept is every boolean, every number, or every
 * string. A variable that is not set is not considered (it matches no
 * comparison). Pure.
 */
export function conditionsCoverAll(flows: readonly ModdleElement[]): boolean {
  try {
    let region: Region = NONE;
    for (const flow of flows) {
      const feel = feelOf(flow);
      if (feel === undefined) return false;
      region = union(region, conditionRegion(feel));
    }
    return isEverything(region);
  } catch (error) {
    if (error instanceof Undecidable) return false;
    throw error;
  }
}
