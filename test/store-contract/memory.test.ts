import { MemoryStore } from '@sopflow/engine';
import { describeStoreContract } from './contract.js';

describeStoreContract('memory', async () => ({ store: new MemoryStore(), destroy: async () => {} }));
