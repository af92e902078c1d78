import SimulationOverlays from './SimulationOverlays.js';

/** bpmn-js module: the simulation's tokens, reminders and escalations on the canvas (`simulationOverlays`). */
export default {
  simulationOverlays: ['type', SimulationOverlays],
};

export { Simulation, type StartOption } from './Simulation.js';
export { SimulationPanel } from './SimulationPanel.js';
