/**
 * The catalogs of both languages: UI texts (side by side in each area's
 * file) and the Chinese of coded messages — lint findings, engine problems,
 * soundness findings, bpmnlint's built-in rules — whose English the code
 * producing them writes.
 */
import type { Language } from '../language.js';
import { split, type Catalog } from './define.js';
import { problems } from './problems.js';
import { modeler } from './modeler.js';
import { time } from './time.js';
import { workbench } from './workbench.js';

const ui = { ...time, ...modeler, ...workbench };

const pairs = split(ui);

/** The id of a UI message (a key of the catalogs). */
export type MessageId = keyof typeof ui;

/** Every catalog by language: UI texts, and in Chinese the coded messages too. */
export const CATALOGS: Readonly<Record<Language, Catalog>> = {
  en: pairs.en,
  'zh-CN': { ...pairs['zh-CN'], ...problems },
};

/** The ids of the UI messages (the same in every language). */
export const UI_MESSAGE_IDS: readonly string[] = Object.keys(ui);

/** The ids of the coded messages that have a Chinese text. */
export const PROBLEM_MESSAGE_IDS: readonly string[] = Object.keys(problems);

export type { Catalog };
