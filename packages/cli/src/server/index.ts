/**
 * The local server of `sopflow modeler`, reusable by other views: start it
 * with extra API routes and static pages.
 */
export { startServer, LOOPBACK_HOSTS, type LoopbackHost, type RunningServer, type ServerOptions } from './startServer.js';
export { matchRoute, type Method, type RequestContext, type Route, type StaticMount } from './routes.js';
export { API_CSP, DEFAULT_MAX_BODY_BYTES, HttpError, PAGE_CSP, readBody, sendError, sendJson, sendText, utf8 } from './http.js';
export { atomicWrite, checkDiagramPath, etagOf, listDiagrams, resolveDiagram, type DiagramEntry } from './files.js';
export { diagramRoutes } from './api.js';
export { modelerDist, serveStatic } from './static.js';
