/** Entry of the Monitor view (monitor.html). */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '../../app/styles.css';
import '../workbench.css';
import { startView } from '../start.js';
import { MonitorPage } from './MonitorPage.js';

void startView(document.getElementById('app')!, 'monitor', (shell, client) => new MonitorPage(shell, client));
