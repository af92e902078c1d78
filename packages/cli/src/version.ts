/** The CLI's version, as printed by `sopflow --version` and written into SARIF reports. */
export const VERSION = '0.1.0';
