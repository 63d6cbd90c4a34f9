// `@azure/functions-core` as jest resolves it (see jest.config.js moduleNameMapper).
import { getCoreApi } from './core-api';

export = getCoreApi();
