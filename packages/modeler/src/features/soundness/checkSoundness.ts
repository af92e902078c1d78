/**
 * The soundness checker of bpmnlint-plugin-sopflow. Its package entry does
 * not export it yet, so this one module imports it from the plugin's
 * source; once it does, this becomes
 * `export { checkSoundness, type Finding } from 'bpmnlint-plugin-sopflow'`.
 */
export { checkSoundness, type Finding, type FindingKind } from '../../../../lint/src/soundness/index.js';
