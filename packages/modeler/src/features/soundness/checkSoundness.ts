/** The soundness checker of bpmnlint-plugin-sopflow, as `sopflow validate` runs it. */
export { checkSoundness, type Finding, type FindingKind } from 'bpmnlint-plugin-sopflow';
