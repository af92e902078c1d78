/** Entry of the Run view (run.html). */
import '../../app/styles.css';
import '../workbench.css';
import { startView } from '../start.js';
import { RunPage } from './RunPage.js';

void startView(document.getElementById('app')!, 'run', (shell, client) => new RunPage(shell, client));
