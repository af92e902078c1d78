/**
 * A live-feed line in the page's language: the server writes each notice
 * in English and sends it also as a message id with its values
 * (`feed.<type>`, instants in epoch ms); a page in another language renders
 * that, with the instants in the workbench's zone. Pure.
 */
import { lang, t, tr } from '../i18n/language.js';
import type { FeedItem } from './types.js';

/** The text of a feed item's notice in the page's language ('' without a notice). */
export function noticeText(item: Pick<FeedItem, 'notice' | 'ref'>, format: (ms: number) => string): string {
  const { notice, ref } = item;
  if (!notice) return '';
  if (lang === 'en' || !ref || tr.template(ref.code) === undefined) return notice.text;
  const { due, message, reason } = ref.params;
  const optional = ref.code === 'feed.task.created' || ref.code === 'feed.sla.reminder' || ref.code === 'feed.sla.notify';
  return t(ref.code, {
    ...ref.params,
    due: ref.code === 'feed.task.created' ? (typeof due === 'number' ? t('feed.due', { due: format(due) }) : '') : typeof due === 'number' ? format(due) : '?',
    message: optional ? (message ? t('feed.note', { note: String(message) }) : '') : String(message ?? ''),
    reason: reason ? t('feed.reason', { reason: String(reason) }) : '',
  });
}
