/** @sopflow/cli — the `sopflow` command, also callable as a function. */
export { main, VERSION } from './cli.js';
export { CliError, EXIT, type Io } from './io.js';
export { DEFAULT_STORE, openStore, parseStoreUrl, type StoreTarget } from './openStore.js';
