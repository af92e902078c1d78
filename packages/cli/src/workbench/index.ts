/**
 * The workbench behind `sopflow start`: the engine running in the server
 * process over a store, the folder's diagrams deployed, and the API the
 * Run and Monitor views (and the modeler's Deploy button) use.
 */
export { Workbench, deployNotice, folderCalendars, jobTypes, shortTime, type DeployedFile, type WorkbenchOptions } from './Workbench.js';
export { workbenchRoutes, type TaskView } from './routes.js';
export { EventFeed, FEED_SIZE, type FeedItem } from './EventFeed.js';
export { describeEvent, noticeRef, recipients, type Notice, type NoticeRef } from './describeEvent.js';
export { checkStartForm, formRefusal, formView, type FormView } from './forms.js';
export { caseCounts, caseDetail, catchNames, heatMap, processSummaries, startsOf, type CaseCounts, type CaseDetail, type HeatMap, type ProcessSummary, type StartInfo } from './monitor.js';
export { latestEventTime, MAX_SPEED, workbenchClock } from './clock.js';
