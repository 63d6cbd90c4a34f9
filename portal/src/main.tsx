import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './Root';
import { loadConfig } from './config';

const root = createRoot(document.getElementById('root')!);
loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <Root config={config} />
      </StrictMode>,
    ),
  (error: Error) => root.render(<p role="alert">The portal cannot start: {error.message}</p>),
);
